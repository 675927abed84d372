"""The efficiency offices' pages (R10, R11, R12): the overview of their
area, excusing a violation (D5), warnings, bulletins, the dashboard and
the lists behind its numbers, and the annual ranking with its
commendations."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.cases import filters
from hotline.cases.models import Clock, Violation
from hotline.cases.privacy import text_for
from hotline.cases.visibility import visible_cases
from hotline.organisation import acting as acting_module
from hotline.organisation.models import Role, Unit
from hotline.policy.models import NoPolicyInForce, Policy
from hotline.portal.stats import kept_monthly

from . import bulletins
from .dashboard import MEASURES, RATES, direct_answers, listed_units
from .dashboard import drill as dashboard_drill
from .dashboard import rows as dashboard_rows
from .figures import against_catalogue, dispatched_against_catalogue
from .models import Bulletin, BulletinEntry, Warning
from .periods import bounds
from .rules import (
    MAX_COMMENDED,
    annual_ranking,
    commend,
    decide_warning,
    excuse_violation,
    supervised_units,
    supervises,
    units_missing_roster,
)
from .warning_views import open_warnings, watching


@login_required
@require_POST
def excuse(request, pk):
    """D5, R11(2): a supervisor of the office over the unit excuses a
    violation whose cause was not human, saying why."""
    acting = _supervisor(request)
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


@login_required
def supervision(request):
    """Read-only over the supervisor's area: breached clocks, flags,
    violations and per-unit counts."""
    acting = _supervisor(request)
    cases = visible_cases(acting.unit, acting.role)
    breached = (
        Clock.objects.filter(case__in=cases, breached_at__isnull=False)
        .select_related("case", "unit")
        .order_by("-breached_at")[:100]
    )
    violations = list(
        Violation.objects.filter(case__in=cases).select_related("case", "unit", "person")[:100]
    )
    for violation in violations:
        violation.may_excuse = violation.excused_at is None and supervises(
            request.user, violation.unit
        )
    flagged = cases.filter(Q(flag_overdue=True) | Q(flag_lapsed=True)).order_by("-received_at")[
        :100
    ]
    units = (
        Unit.objects.filter(involvements__case__in=cases)
        .annotate(
            cases_count=Count("involvements", distinct=True),
            breached_count=Count(
                "clocks",
                filter=Q(clocks__breached_at__isnull=False, clocks__case__in=cases),
                distinct=True,
            ),
        )
        .order_by("-breached_count", "name")[:100]
    )
    return render(
        request,
        "supervision/overview.html",
        {
            "breached": breached,
            "violations": violations,
            "flagged": flagged,
            "units": units,
            "missing_roster": units_missing_roster().filter(
                pk__in=Unit.objects.filter(involvements__case__in=cases)
                if acting.unit.level == Unit.Level.DISTRICT
                else Unit.objects.all()
            ),
            "bulletins": Bulletin.objects.filter(office=acting.unit)[:24],
            # With the leader and the evidence each shows (issue 14).
            "warnings": Warning.objects.filter(decision=Warning.Decision.PROPOSED, unit__in=units)
            .select_related("person", "unit", "leader")
            .prefetch_related(Prefetch("evidence", Violation.objects.select_related("case"))),
        },
    )


def _month_asked(value):
    """The first and last day of the month asked for, or a ValidationError
    in the user's language."""
    month = filters.month(value)
    if month is None:
        raise ValidationError(_("Choose a month."))
    last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    # A month before the first policy has no figures to report, and
    # publishing it would spend a document number on an empty bulletin.
    try:
        Policy.in_force(bounds(last, last)[1] - timedelta(seconds=1))
    except NoPolicyInForce:
        raise ValidationError(_("The hotline was not yet in service in that month.")) from None
    return month, last


def _office(request):
    acting = _supervisor(request)
    if acting.unit.kind != Unit.Kind.EFFICIENCY_OFFICE:
        raise PermissionDenied(_("This view is for efficiency office supervisors."))
    return acting.unit


@login_required
def preview_bulletin(request):
    """The draft of a month's bulletin from the live figures, as HTML or as
    its PDF and Excel: not numbered, not kept, made again at each request;
    the supervisor publishes it from here."""
    office = _office(request)
    try:
        start, end = _month_asked(request.GET.get("month"))
    except ValidationError as error:
        messages.error(request, error.messages[0])
        response = supervision(request)
        response.status_code = 400
        return response
    sheet, data = bulletins.draft(office, start, end)
    kind = request.GET.get("format")
    if kind in ("pdf", "xlsx"):
        body, content_type = (
            (bulletins.pdf(sheet, data), "application/pdf")
            if kind == "pdf"
            else (
                bulletins.xlsx(sheet, data),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            kind == "xlsx", f"{sheet.title}（草稿）.{kind}"
        )
        return response
    return render(
        request,
        "supervision/bulletin_preview.html",
        {
            **bulletins.context(sheet, data),
            "month": f"{start:%Y-%m}",
            "published": bulletins.existing(office, start, end),
            "finished": end < timezone.localdate(),
        },
    )


@login_required
@require_POST
def publish_bulletin(request):
    """A supervisor publishes the bulletin of a month for their office."""
    office = _office(request)
    try:
        start, end = _month_asked(request.POST.get("month"))
        bulletin = bulletins.publish(actor=request.user, office=office, start=start, end=end)
    except ValidationError as error:
        # Not a month, not over yet, or published already: say which, on
        # the page the form is on.
        messages.error(request, error.messages[0])
        response = supervision(request)
        response.status_code = 400
        return response
    messages.success(
        request,
        _("Published: %(number)s %(title)s") % {"number": bulletin.number, "title": bulletin.title},
    )
    return redirect("supervision")


@login_required
def bulletin_file(request, pk, kind):
    acting = acting_module.current(request)
    bulletin = get_object_or_404(Bulletin, pk=pk)
    if (
        acting is None
        or acting.role != Role.SUPERVISOR
        or not supervises(request.user, bulletin.office)
    ):
        raise Http404
    field = {"pdf": bulletin.pdf, "xlsx": bulletin.xlsx}.get(kind)
    if field is None:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=f"{bulletin.title}.{kind}")


def _period(request):
    """The period asked for, the current month by default, and the status
    to answer with: 400 when a date was given but is not one we count
    (malformed, or outside the years a period may cover)."""
    today = timezone.localdate()
    form = filters.CaseFilters(request.GET)
    values = form.values()
    month = today.replace(day=1)
    start = values.get("from_date") or month
    end = values.get("to_date") or (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    refused = [e for name in ("from_date", "to_date") for e in form.errors.get(name, [])]
    if refused:
        messages.error(request, refused[0])
    return start, end, 400 if refused else 200


@login_required
def dashboard(request):
    """Per-unit numbers over the supervisor's area, sortable; every number
    opens the list behind it."""
    acting = _supervisor(request)
    start, end, status = _period(request)
    district = acting.unit.district if acting.unit.level == Unit.Level.DISTRICT else None
    table = dashboard_rows(start, end, listed_units(district))
    sort = request.GET.get("sort", "late_reads")
    if sort in MEASURES or sort in RATES:
        table.sort(key=lambda row: (row[sort] is None, -(row[sort] or 0)))
    return render(
        request,
        "supervision/dashboard.html",
        {
            "rows": table,
            "measures": list(MEASURES.items()),
            "start": start,
            "end": end,
            "sort": sort,
            "direct": direct_answers(start, end, district),
            # N10: the early warnings not yet acknowledged.
            "early_warnings": open_warnings()[:10] if watching(acting) else None,
            "against_catalogue": against_catalogue(start, end, district),
            # The trend over twelve months, as the public statistics show it.
            "months": kept_monthly(),
        },
        status=status,
    )


@login_required
def drill(request):
    _supervisor(request)
    unit = get_object_or_404(Unit, pk=filters.whole_number(request.GET.get("unit"), 0, 0, 2**62))
    measure = request.GET.get("measure")
    if measure not in MEASURES or not supervises(request.user, unit):
        raise Http404
    start, end, status = _period(request)
    rows, cases = dashboard_drill(measure, unit, start, end)
    return render(
        request,
        "supervision/drill.html",
        {
            "unit": unit,
            "label": MEASURES[measure],
            "count": rows.count(),
            "cases": cases.order_by("-received_at")[:500],
            "start": start,
            "end": end,
        },
        status=status,
    )


@login_required
def against_catalogue_list(request):
    """N5: the dispatches behind the dashboard's "against the catalogue"
    number, each with its reason and what the catalogue said; the reason
    masked for the supervisor as on the case page (D8)."""
    acting = _supervisor(request)
    start, end, status = _period(request)
    district = acting.unit.district if acting.unit.level == Unit.Level.DISTRICT else None
    dispatcher = filters.whole_number(request.GET.get("dispatcher"), 0, 0, 2**62) or None
    events = dispatched_against_catalogue(start, end, district, dispatcher)
    rows = [
        (event, text_for(event.case, acting.role))
        for event in events.select_related("case__requester", "actor", "actor_unit").order_by(
            "-at", "-id"
        )[:500]
    ]
    return render(
        request,
        "supervision/against_catalogue.html",
        {"rows": rows, "count": events.count(), "start": start, "end": end},
        status=status,
    )


@login_required
@require_POST
def decide_warning_view(request, pk):
    """A supervisor issues or dismisses a warning the rules proposed."""
    _supervisor(request)
    warning = get_object_or_404(Warning, pk=pk)
    try:
        decide_warning(
            actor=request.user,
            warning=warning,
            issue=request.POST.get("decision") == "issue",
            note=request.POST.get("note", "")[:500],
        )
    except ValidationError:
        # Another supervisor decided it first (or a double submit): as a
        # changed case, say so and show the page as it is now.
        messages.warning(
            request, _("This warning has been decided meanwhile. Reload to see it now.")
        )
        return redirect("supervision")
    messages.success(request, _("Done."))
    return redirect("supervision")
