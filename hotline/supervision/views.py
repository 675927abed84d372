"""The efficiency offices' pages that write (R11, D5). The read-only
supervision pages still live in hotline.workbench.views (issue 13 moves
them here)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.cases.models import Violation
from hotline.cases.visibility import visible_cases
from hotline.organisation import acting as acting_module
from hotline.organisation.models import Role

from .rules import excuse_violation


@login_required
@require_POST
def excuse(request, pk):
    """D5, R11(2): a supervisor of the office over the unit excuses a
    violation whose cause was not human, saying why."""
    acting = acting_module.current(request)
    if acting is None or acting.role != Role.SUPERVISOR:
        raise PermissionDenied(_("This view is for efficiency office supervisors."))
    violation = get_object_or_404(
        Violation.objects.filter(case__in=visible_cases(acting.unit, acting.role)).select_related(
            "case"
        ),
        pk=pk,
    )
    try:
        excuse_violation(actor=request.user, violation=violation, reason=request.POST.get("reason"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Excused: it no longer counts in any figure."))
    if request.POST.get("back") == "case":
        return redirect("case-detail", number=violation.case.number)
    return redirect("supervision")
