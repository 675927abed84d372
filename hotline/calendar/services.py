"""The calendar the app uses: confirmed years from the database, festival
dates for provisional years from the shipped data (D1)."""

from datetime import date

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.reference.revisions import NOT_READ, Reference

from .models import CalendarDay, CalendarYear
from .workdays import WorkCalendar, YearSchedule, shipped_festivals


def _build() -> WorkCalendar:
    schedules: dict[int, YearSchedule] = {}
    for year in CalendarYear.objects.filter(confirmed=True).prefetch_related("days"):
        days = list(year.days.all())
        schedules[year.year] = YearSchedule(
            holidays=frozenset(d.date for d in days if d.kind == CalendarDay.Kind.HOLIDAY),
            workdays=frozenset(d.date for d in days if d.kind == CalendarDay.Kind.WORKDAY),
        )
    return WorkCalendar(schedules, shipped_festivals())


CALENDAR = Reference("calendar", (CalendarYear, CalendarDay), _build)


def database_calendar(token=NOT_READ) -> WorkCalendar:
    """The calendar in force now, rebuilt only on change: one small query,
    unless the caller read its revision `token` beside another row."""
    return CALENDAR.get(token)


def unconfirmed_year_warnings(today: date | None = None) -> list[str]:
    """What administrators must be told about missing schedules (D1).

    The current year, always; the next year from 1 December on, when the
    State Council has usually published it.
    """
    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month == 12 else [])
    confirmed = set(
        CalendarYear.objects.filter(year__in=years, confirmed=True).values_list("year", flat=True)
    )
    return [
        _(
            "The %(year)s holiday schedule has not been confirmed: deadlines in "
            "%(year)s are provisional. Enter it under Calendar years."
        )
        % {"year": year}
        for year in years
        if year not in confirmed
    ]


# Sent with `year` after a change to that year's schedule has committed.
calendar_changed = Signal()


def announce_change(year: int) -> None:
    """Tell the rest of the app, once the change is committed, that a
    year's schedule changed (the cases app recomputes open clocks, D1)."""
    transaction.on_commit(lambda: calendar_changed.send(sender=CalendarYear, year=year))
