"""The early warnings' pages (N10): the list, a warning with its cases,
acknowledging it, marking it for planned follow-up, and the watch list.
For the city bureau's dispatchers and the efficiency office's supervisors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.cases.privacy import text_for
from hotline.cases.visibility import visible_cases
from hotline.organisation import acting as acting_module
from hotline.organisation.models import Role, Unit

from .early_warnings import acknowledge_early_warning, keep_watch_word, mark_for_follow_up
from .models import EarlyWarning, WatchWord

PAGE = 100


def watching(acting) -> bool:
    """The acting unit and role that early warnings are for."""
    if acting is None or acting.unit.level != Unit.Level.CITY:
        return False
    return (acting.role, acting.unit.kind) in (
        (Role.DISPATCHER, Unit.Kind.PETITION_BUREAU),
        (Role.SUPERVISOR, Unit.Kind.EFFICIENCY_OFFICE),
    )


def _watcher(request):
    acting = acting_module.current(request)
    if not watching(acting):
        raise PermissionDenied(
            _("Early warnings are for the city bureau's dispatchers and the efficiency office.")
        )
    return acting


def open_warnings():
    """The warnings not yet acknowledged, newest first, with their sizes."""
    return (
        EarlyWarning.objects.filter(acknowledged_at__isnull=True)
        .annotate(size=Count("cases"))
        .order_by("-updated_at", "-id")
    )


@login_required
def warning_list(request):
    _watcher(request)
    shown = request.GET.get("show", "open")
    warnings = EarlyWarning.objects.annotate(size=Count("cases")).select_related(
        "acknowledged_by", "follow_up_by"
    )
    if shown == "open":
        warnings = warnings.filter(acknowledged_at__isnull=True)
    elif shown == "follow_up":
        warnings = warnings.filter(follow_up_at__isnull=False)
    return render(
        request,
        "supervision/early_warnings.html",
        {"warnings": warnings.order_by("-updated_at", "-id")[:PAGE], "show": shown},
    )


@login_required
def warning_detail(request, pk):
    acting = _watcher(request)
    warning = get_object_or_404(
        EarlyWarning.objects.select_related("acknowledged_by", "follow_up_by", "category"), pk=pk
    )
    cases = (
        warning.cases.filter(pk__in=visible_cases(acting.unit, acting.role))
        .select_related("requester", "category")
        .order_by("received_at")
    )
    rows = [(case, text_for(case, acting.role)) for case in cases[:500]]
    return render(
        request,
        "supervision/early_warning.html",
        {"warning": warning, "rows": rows, "count": warning.cases.count()},
    )


def _act(request, pk, verb, done: str):
    _watcher(request)
    warning = get_object_or_404(EarlyWarning, pk=pk)
    try:
        verb(actor=request.user, warning=warning, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("early-warning", pk=warning.pk)


@login_required
@require_POST
def acknowledge(request, pk):
    return _act(request, pk, acknowledge_early_warning, _("Acknowledged."))


@login_required
@require_POST
def follow_up(request, pk):
    return _act(request, pk, mark_for_follow_up, _("Marked for planned follow-up."))


@login_required
def watch_words(request):
    _watcher(request)
    if request.method == "POST":
        try:
            keep_watch_word(
                actor=request.user,
                word=request.POST.get("word", ""),
                note=request.POST.get("note", ""),
                active=request.POST.get("active", "1") == "1",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The watch list is saved."))
            return redirect("watch-words")
    return render(
        request,
        "supervision/watch_words.html",
        {"words": WatchWord.objects.select_related("added_by")},
    )
