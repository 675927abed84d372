"""The calendar the app uses: confirmed years from the database, festival
dates for provisional years from the shipped data (D1)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.reference.revisions import NOT_READ, Reference

from . import notice as notices
from .models import CalendarChange, CalendarDay, CalendarYear
from .workdays import WorkCalendar, YearSchedule, shipped_festivals


class NoticeRefused(Exception):
    """The notice cannot be confirmed: its errors, or no reason given."""

    def __init__(self, notice: notices.Notice | None):
        super().__init__("notice refused")
        self.notice = notice


def _confirmed_schedules() -> dict[int, YearSchedule]:
    schedules: dict[int, YearSchedule] = {}
    for year in CalendarYear.objects.filter(confirmed=True).prefetch_related("days"):
        days = list(year.days.all())
        schedules[year.year] = YearSchedule(
            holidays=frozenset(d.date for d in days if d.kind == CalendarDay.Kind.HOLIDAY),
            workdays=frozenset(d.date for d in days if d.kind == CalendarDay.Kind.WORKDAY),
        )
    return schedules


def _build() -> WorkCalendar:
    return WorkCalendar(_confirmed_schedules(), shipped_festivals())


CALENDAR = Reference("calendar", (CalendarYear, CalendarDay), _build)


def database_calendar(token=NOT_READ) -> WorkCalendar:
    """The calendar in force now, rebuilt only on change: one small query,
    unless the caller read its revision `token` beside another row."""
    return CALENDAR.get(token)


def calendar_with(year: int, schedule: YearSchedule) -> WorkCalendar:
    """The calendar as it would be with `schedule` confirmed for `year`."""
    return WorkCalendar({**_confirmed_schedules(), year: schedule}, shipped_festivals())


def unconfirmed_years(today: date | None = None) -> list[int]:
    """The years administrators must be told have no confirmed schedule (D1).

    The current year, always; the next year from 1 December on, when the
    State Council has usually published it.
    """
    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month == 12 else [])
    confirmed = set(
        CalendarYear.objects.filter(year__in=years, confirmed=True).values_list("year", flat=True)
    )
    return [year for year in years if year not in confirmed]


def unconfirmed_year_warnings(today: date | None = None) -> list[str]:
    return [
        _(
            "The %(year)s holiday schedule has not been confirmed: deadlines in "
            "%(year)s are provisional. Enter it on the calendar page."
        )
        % {"year": year}
        for year in unconfirmed_years(today)
    ]


@transaction.atomic
def enter_year(*, actor, year: int, text: str, reason: str, source: str = "") -> CalendarChange:
    """D1: confirm `year`'s schedule as the State Council notice `text` gives
    it, replacing whatever days the year had; record who did it and why; the
    open clocks are recomputed once this commits (as after an admin edit)."""
    from hotline.organisation.roster import is_administrator

    if not is_administrator(actor):
        raise PermissionDenied(_("Only an administrator may enter the calendar."))
    festivals = shipped_festivals().get(year)
    if festivals is None:
        raise NoticeRefused(None)
    notice = notices.read(text, year, festivals)
    if notice.errors or not reason.strip():
        raise NoticeRefused(notice)
    calendar_year, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
    before = {(d.date.isoformat(), d.kind) for d in calendar_year.days.all()}
    days = notice.days(festivals)
    after = {(d.isoformat(), kind) for d, kind, _name in days}
    calendar_year.days.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(year=calendar_year, date=d, kind=kind, name=name) for d, kind, name in days
    )
    calendar_year.confirmed = True
    calendar_year.source = source.strip()[:200] or calendar_year.source
    calendar_year.save()
    change = CalendarChange.objects.create(
        year=year,
        by=actor,
        reason=reason.strip(),
        notice=text,
        source=calendar_year.source,
        added=sorted(after - before),
        removed=sorted(before - after),
    )
    announce_change(year)
    return change


# Sent with `year` after a change to that year's schedule has committed.
calendar_changed = Signal()


def announce_change(year: int) -> None:
    """Tell the rest of the app, once the change is committed, that a
    year's schedule changed (the cases app recomputes open clocks, D1)."""
    transaction.on_commit(lambda: calendar_changed.send(sender=CalendarYear, year=year))
