"""The working-day calendar (D1): pure Python, no Django.

Every deadline in the regulation is counted in working days. A working day is
a Monday to Friday that is not a public holiday, or a Saturday or Sunday that
the State Council made a 调休 make-up working day.

Counting follows D1: the day of the starting event is not counted, and a
period of N working days ends at 24:00 Asia/Shanghai of the N-th working day
after that day. So `deadline(at, n)` is 00:00 of the following calendar day.

Years whose schedule has been published and confirmed use it. Any other year
is *provisional*: its days off are the statutory holidays computed by rule
(no make-up days), and anything computed from it is marked provisional.

Lookups are O(1): the calendar keeps, for each day of its range, how many
working days there are up to it, and the list of all working days, so no
deadline walks the calendar day by day.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATA_FILE = Path(__file__).with_name("data") / "china.json"


class CalendarRangeError(ValueError):
    """A date outside the years the calendar knows (no festival dates for it)."""


@dataclass(frozen=True)
class YearSchedule:
    """A published schedule: weekdays off, and weekend days that are worked."""

    holidays: frozenset[date]
    workdays: frozenset[date]


@dataclass(frozen=True)
class Festivals:
    """The dates of the lunar and solar-term holidays in one Gregorian year."""

    spring_festival: date  # 正月初一
    qingming: date
    dragon_boat: date
    mid_autumn: date


FESTIVALS = (
    "new_year",
    "spring_festival",
    "qingming",
    "labour_day",
    "dragon_boat",
    "mid_autumn",
    "national_day",
)


def statutory_days(year: int, festivals: Festivals) -> dict[str, frozenset[date]]:
    """Each festival's public holidays fixed by law (全国年节及纪念日放假办法),
    without the State Council's make-up days, in the version in force that year:
    1999 (Spring Festival 初一–初三, three days in May and October), 2008 (除夕
    instead of 初三; Qingming, Dragon Boat and Mid-Autumn added; one day in
    May), 2014 (初一–初三 again) and 2025 (除夕 and 2 May added)."""
    sf = festivals.spring_festival
    one = timedelta(days=1)
    if year >= 2025:
        spring = {sf - one, sf, sf + one, sf + 2 * one}
    elif 2008 <= year < 2014:
        spring = {sf - one, sf, sf + one}
    else:
        spring = {sf, sf + one, sf + 2 * one}
    days = {
        "new_year": {date(year, 1, 1)},
        "spring_festival": spring,
        "qingming": {festivals.qingming} if year >= 2008 else set(),
        "labour_day": (
            {date(year, 5, 1), date(year, 5, 2)}
            if year >= 2025
            else {date(year, 5, 1)}
            if year >= 2008
            else {date(year, 5, i) for i in (1, 2, 3)}
        ),
        "dragon_boat": {festivals.dragon_boat} if year >= 2008 else set(),
        "mid_autumn": {festivals.mid_autumn} if year >= 2008 else set(),
        "national_day": {date(year, 10, i) for i in (1, 2, 3)},
    }
    # The eve of a Spring Festival on 1 January falls in the previous year.
    return {
        name: frozenset(d for d in found if d.year == year) for name, found in days.items() if found
    }


def statutory_holidays(year: int, festivals: Festivals) -> frozenset[date]:
    """The public holidays fixed by law that year, without make-up days.

    The calendar counts on them only for years with no published schedule
    (D1), which are all later than 2025.
    """
    return frozenset().union(*statutory_days(year, festivals).values())


class WorkCalendar:
    """Working days over the years for which festival dates are known."""

    def __init__(self, schedules: Mapping[int, YearSchedule], festivals: Mapping[int, Festivals]):
        if not festivals:
            raise ValueError("a calendar needs the festival dates of at least one year")
        self.first_year = min(festivals)
        self.last_year = max(festivals)
        missing = [y for y in range(self.first_year, self.last_year + 1) if y not in festivals]
        if missing:
            raise ValueError(f"festival dates missing for {missing}")
        outside = sorted(set(schedules) - set(festivals))
        if outside:
            raise ValueError(f"schedules for years outside the calendar: {outside}")
        self.confirmed_years = frozenset(schedules)

        self._base = date(self.first_year, 1, 1).toordinal()
        end = date(self.last_year, 12, 31).toordinal()
        off: set[date] = set()
        on: set[date] = set()
        for year in range(self.first_year, self.last_year + 1):
            if year in schedules:
                off |= schedules[year].holidays
                on |= schedules[year].workdays
            else:
                off |= statutory_holidays(year, festivals[year])

        # _working[i]: 1 if day base+i is a working day.
        # _count[i]: number of working days in days base .. base+i inclusive.
        # _ordinals[k]: offset (from base) of the (k+1)-th working day.
        self._working = bytearray(end - self._base + 1)
        self._count = array("l", bytes(8 * len(self._working)))
        self._ordinals = array("l")
        running = 0
        for i in range(len(self._working)):
            d = date.fromordinal(self._base + i)
            if d in on or (d.weekday() < 5 and d not in off):
                self._working[i] = 1
                running += 1
                self._ordinals.append(i)
            self._count[i] = running

    def _index(self, d: date) -> int:
        i = d.toordinal() - self._base
        if not 0 <= i < len(self._working):
            raise CalendarRangeError(
                f"{d.isoformat()} is outside the calendar ({self.first_year}–{self.last_year})"
            )
        return i

    def is_working_day(self, d: date) -> bool:
        return self._working[self._index(d)] == 1

    def is_provisional(self, d: date) -> bool:
        """True when d's year has no confirmed schedule (D1)."""
        self._index(d)
        return d.year not in self.confirmed_years

    def is_provisional_between(self, a: date, b: date) -> bool:
        """True when counting from a to b crosses a year with no confirmed
        schedule: a deadline so computed is provisional (D1)."""
        self._index(a)
        self._index(b)
        return any(y not in self.confirmed_years for y in range(a.year, b.year + 1))

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day strictly after d (strictly before it for n < 0).

        n == 0 gives d itself, whether or not it is a working day: a period of
        zero working days is "the same day" (D2).
        """
        i = self._index(d)
        if n > 0:
            k = self._count[i] + n - 1
        elif n < 0:
            k = self._count[i] - self._working[i] + n
        else:
            return d
        if not 0 <= k < len(self._ordinals):
            raise CalendarRangeError(
                f"{n} working days from {d.isoformat()} is outside the calendar "
                f"({self.first_year}–{self.last_year})"
            )
        return date.fromordinal(self._base + self._ordinals[k])

    def next_working_day(self, d: date) -> date:
        return self.add_working_days(d, 1)

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days lie after a up to and including b.

        The inverse of add_working_days: working_days_between(a,
        add_working_days(a, n)) == n for n >= 0. Negative when b is before a.
        """
        return self._count[self._index(b)] - self._count[self._index(a)]

    def deadline(self, at: datetime, n: int) -> datetime:
        """The end of a period of n working days started at `at` (D1).

        An aware datetime: 00:00 Asia/Shanghai of the calendar day after the
        n-th working day after at's local date.
        """
        last = self.add_working_days(at.astimezone(SHANGHAI).date(), n)
        end = last + timedelta(days=1)
        return datetime(end.year, end.month, end.day, tzinfo=SHANGHAI)


def end_text(due: datetime, year: bool = True) -> str:
    """When a period ends, as people write it: a deadline is 00:00 of the
    day after the last working day (D1), which reads as 24:00 of that last
    day ("2026-12-15 24:00", not "2026-12-16 00:00")."""
    local = due.astimezone(SHANGHAI)
    day_format = "%Y-%m-%d" if year else "%m-%d"
    if local.time() == time(0):
        return f"{(local - timedelta(days=1)):{day_format}} 24:00"
    return f"{local:{day_format} %H:%M}"


def load_shipped_data(
    path: Path = DATA_FILE,
) -> tuple[dict[int, YearSchedule], dict[int, Festivals]]:
    """Read the schedules and festival dates the project ships."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    schedules = {
        int(year): YearSchedule(
            holidays=frozenset(date.fromisoformat(d) for d, _name in entry["holidays"]),
            workdays=frozenset(date.fromisoformat(d) for d, _name in entry["workdays"]),
        )
        for year, entry in raw["schedules"].items()
    }
    festivals = {
        int(year): Festivals(**{k: date.fromisoformat(v) for k, v in entry.items()})
        for year, entry in raw["festivals"].items()
    }
    return schedules, festivals


@lru_cache(maxsize=1)
def shipped_festivals() -> dict[int, Festivals]:
    return load_shipped_data()[1]


@lru_cache(maxsize=1)
def china_calendar() -> WorkCalendar:
    """The calendar from the shipped data alone, without a database."""
    schedules, festivals = load_shipped_data()
    return WorkCalendar(schedules, festivals)
