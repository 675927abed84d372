"""The calendar the app uses: confirmed years from the database, festival
dates for provisional years from the shipped data (D1)."""

from datetime import date

from django.db import transaction
from django.db.models import Count, Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarYear
from .workdays import WorkCalendar, YearSchedule, shipped_festivals

_cached: tuple[tuple, WorkCalendar] | None = None


def _revision() -> tuple:
    """Changes whenever a year or a day is added, edited or removed (a
    day's change touches its year, see signals)."""
    return tuple(
        CalendarYear.objects.aggregate(years=Count("id"), touched=Max("updated_at")).values()
    )


def database_calendar() -> WorkCalendar:
    """The calendar in force now. One small query; rebuilt only on change."""
    global _cached
    revision = _revision()
    if _cached is not None and _cached[0] == revision:
        return _cached[1]
    schedules: dict[int, YearSchedule] = {}
    for year in CalendarYear.objects.filter(confirmed=True).prefetch_related("days"):
        days = list(year.days.all())
        schedules[year.year] = YearSchedule(
            holidays=frozenset(d.date for d in days if d.kind == CalendarDay.Kind.HOLIDAY),
            workdays=frozenset(d.date for d in days if d.kind == CalendarDay.Kind.WORKDAY),
        )
    calendar = WorkCalendar(schedules, shipped_festivals())
    _cached = (revision, calendar)
    return calendar


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
