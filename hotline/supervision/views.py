"""The efficiency offices' pages: excusing a violation (R11, D5) and the
annual ranking with its commendations (R12). The other supervision pages
still live in hotline.workbench.views (issue 13 moves them here)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.cases.models import Violation
from hotline.cases.visibility import visible_cases
from hotline.organisation import acting as acting_module
from hotline.organisation.models import Role, Unit

from .models import BulletinEntry
from .rules import MAX_COMMENDED, annual_ranking, commend, excuse_violation, supervised_units


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


def _supervisor(request):
    acting = acting_module.current(request)
    if acting is None or acting.role != Role.SUPERVISOR:
        raise PermissionDenied(_("This view is for efficiency office supervisors."))
    return acting


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= default else default


@login_required
def ranking(request):
    """R12: the year's units by the policy's weighted score, over the units
    the supervisor's office supervises; the city office commends the best
    once the year is over."""
    acting = _supervisor(request)
    this_year = timezone.localdate().year
    year = _year(request.GET.get("year"), this_year - 1)
    scores = annual_ranking(year, units=supervised_units(request.user))
    return render(
        request,
        "supervision/ranking.html",
        {
            "year": year,
            "years": range(this_year, this_year - 6, -1),
            "scores": scores,
            "commended": BulletinEntry.objects.filter(
                kind=BulletinEntry.Kind.COMMENDATION, year=year
            ).select_related("unit"),
            "may_commend": acting.unit.level == Unit.Level.CITY and year < this_year,
            "max_commended": MAX_COMMENDED,
        },
    )


@login_required
@require_POST
def commend_view(request):
    _supervisor(request)
    year = _year(request.POST.get("year"), timezone.localdate().year)
    try:
        top = int(request.POST.get("top", ""))
    except ValueError:
        top = 0
    try:
        entries = commend(actor=request.user, year=year, top=top)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(n)d units commended for %(year)d.") % {"n": len(entries), "year": year}
        )
    return redirect(reverse("ranking") + f"?year={year}")
