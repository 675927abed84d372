"""The administrators' calendar page (D1): a year's State Council notice
pasted or typed, read, checked and shown as a month grid with the open
clocks it would move, then confirmed with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hotline.calendar import notice as notices
from hotline.calendar.models import CalendarChange, CalendarDay, CalendarYear
from hotline.calendar.services import (
    NoticeRefused,
    calendar_with,
    enter_year,
    unconfirmed_years,
)
from hotline.calendar.wording import describe
from hotline.calendar.workdays import YearSchedule, shipped_festivals
from hotline.cases.clocks import preview_clock_moves
from hotline.organisation.roster import is_administrator


def _moves_text(moves: dict[int, int]) -> list[str]:
    lines = []
    for shift, n in moves.items():
        if shift > 0:
            text = ngettext(
                "%(n)s deadline moves %(days)s day(s) later",
                "%(n)s deadlines move %(days)s day(s) later",
                n,
            )
        elif shift < 0:
            text = ngettext(
                "%(n)s deadline moves %(days)s day(s) earlier",
                "%(n)s deadlines move %(days)s day(s) earlier",
                n,
            )
        else:
            text = ngettext(
                "%(n)s deadline keeps its day but is no longer provisional",
                "%(n)s deadlines keep their day but are no longer provisional",
                n,
            )
        lines.append(text % {"n": n, "days": abs(shift)})
    return lines


def _stored_schedule(calendar_year):
    days = list(calendar_year.days.all())
    return YearSchedule(
        holidays=frozenset(d.date for d in days if d.kind == CalendarDay.Kind.HOLIDAY),
        workdays=frozenset(d.date for d in days if d.kind == CalendarDay.Kind.WORKDAY),
    )


def _administrator(request):
    if not is_administrator(request.user):
        raise PermissionDenied(_("Only an administrator may enter the calendar."))


@login_required
def calendar_index(request):
    """The first year that needs entering, else the current one."""
    _administrator(request)
    years = unconfirmed_years()
    return redirect("calendar-year", year=years[-1] if years else timezone.localdate().year)


@login_required
def calendar_year(request, year):
    _administrator(request)
    festivals = shipped_festivals()
    if year not in festivals:
        raise Http404(
            _("The calendar knows the festival dates of %(first)s to %(last)s only.")
            % {"first": min(festivals), "last": max(festivals)}
        )
    stored = CalendarYear.objects.filter(year=year).first()
    changes = list(CalendarChange.objects.filter(year=year).select_related("by")[:10])
    context = {
        "year": year,
        "years": sorted({*unconfirmed_years(), timezone.localdate().year, year}),
        "stored": stored,
        "changes": changes,
        # The notice last confirmed, to correct; else the statutory draft.
        "text": changes[0].notice if changes else notices.statutory_notice(year, festivals[year]),
        "source": stored.source if stored else "",
        "reason": "",
        "prefilled": not changes,
    }
    if stored and stored.confirmed:
        context["stored_grid"] = notices.month_grid(year, _stored_schedule(stored))
    status = 200
    if request.method == "POST":
        text = request.POST.get("text", "")
        context.update(
            text=text,
            source=request.POST.get("source", ""),
            reason=request.POST.get("reason", ""),
            prefilled=False,
        )
        notice = notices.read(text, year, festivals[year])
        if request.POST.get("confirm") and not notice.errors:
            try:
                enter_year(
                    actor=request.user,
                    year=year,
                    text=text,
                    reason=context["reason"],
                    source=context["source"],
                )
            except NoticeRefused:
                context["reason_missing"] = True
                status = 400
            else:
                messages.success(
                    request,
                    _("The %(year)s holiday schedule is confirmed; open deadlines are recounted.")
                    % {"year": year},
                )
                return redirect("calendar-year", year=year)
        elif notice.errors:
            status = 400
        schedule = notice.schedule(festivals[year])
        context.update(
            previewed=True,
            errors=[describe(p) for p in notice.errors],
            warnings=[describe(p) for p in notice.warnings],
            grid=notices.month_grid(year, schedule),
            days_off=len(schedule.holidays),
            workdays=len(schedule.workdays),
            moves=[]
            if notice.errors
            else _moves_text(preview_clock_moves(calendar_with(year, schedule), year)),
        )
    return render(request, "workbench/calendar.html", context, status=status)
