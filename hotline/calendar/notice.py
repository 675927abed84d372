"""The State Council's holiday notice read as it is written (D1): pure
Python, no Django.

An administrator pastes or types the notice ("二、春节：2月15日至23日放假调休，
共9天。2月14日（周六）、2月28日（周六）上班。") and gets back the year's
schedule, with what is wrong with it (errors, which stop it being confirmed)
and what looks odd (warnings). Problems are codes with parameters: the
Django side words them in the user's language.

The schedule is stored as the shipped data has it: the weekdays off, the
statutory holidays (also on a weekend), and the weekend days worked.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from .workdays import FESTIVALS, Festivals, YearSchedule, statutory_days

# The names a notice uses for each festival, longest first for the pattern.
NAMES = {
    "元旦": "new_year",
    "春节": "spring_festival",
    "清明节": "qingming",
    "清明": "qingming",
    "劳动节": "labour_day",
    "五一": "labour_day",
    "端午节": "dragon_boat",
    "端午": "dragon_boat",
    "中秋节": "mid_autumn",
    "中秋": "mid_autumn",
    "国庆节": "national_day",
    "国庆": "national_day",
}
TITLES = {
    "new_year": "元旦",
    "spring_festival": "春节",
    "qingming": "清明节",
    "labour_day": "劳动节",
    "dragon_boat": "端午节",
    "mid_autumn": "中秋节",
    "national_day": "国庆节",
}
NUMERALS = "一二三四五六七八九十"

_NAME = "|".join(sorted(NAMES, key=len, reverse=True))
_HEADING = re.compile(
    rf"(?:[{NUMERALS}]+、)?((?:{_NAME})(?:(?:、|和|及)(?:{_NAME}))*):"
    rf"|[{NUMERALS}]+、([^:。;]{{1,15}}):"
)
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日")
_RANGE = {"至", "到", "-", "—", "–", "~", "－"}
_TOTAL = re.compile(r"共(\d+)天|放假(\d+)天")
_ASIDE = re.compile(r"\([^)]*\)")

# The published years 2004–2026 have had 248 to 252 working days; a year
# outside this band has most likely lost or gained a holiday.
PLAUSIBLE_WORKING_DAYS = range(246, 254)


@dataclass(frozen=True)
class Problem:
    code: str
    error: bool
    params: dict = field(default_factory=dict)


@dataclass
class Entry:
    """One numbered item of the notice: its festivals, days off and days worked."""

    festivals: tuple[str, ...]
    title: str
    off: set[date] = field(default_factory=set)
    worked: set[date] = field(default_factory=set)


@dataclass
class Notice:
    year: int
    entries: list[Entry]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.error]

    def days(self, festivals: Festivals) -> list[tuple[date, str, str]]:
        """(date, "holiday" or "workday", name) as the calendar stores them:
        weekdays off and statutory holidays, and the weekend days worked."""
        statutory = frozenset().union(*statutory_days(self.year, festivals).values())
        found: dict[date, tuple[str, str]] = {}
        for entry in self.entries:
            for d in entry.off:
                if d.weekday() < 5 or d in statutory:
                    found.setdefault(d, ("holiday", entry.title))
            for d in entry.worked:
                found.setdefault(d, ("workday", f"{entry.title}调休上班"))
        return [(d, kind, name) for d, (kind, name) in sorted(found.items())]

    def schedule(self, festivals: Festivals) -> YearSchedule:
        days = self.days(festivals)
        return YearSchedule(
            holidays=frozenset(d for d, kind, _ in days if kind == "holiday"),
            workdays=frozenset(d for d, kind, _ in days if kind == "workday"),
        )


def _normalise(text: str) -> str:
    # NFKC turns full-width digits and punctuation (１、（、：、；) into ASCII.
    text = unicodedata.normalize("NFKC", text)
    text = _ASIDE.sub("", text)
    return re.sub(r"\s+", "", text)


def _dates(sentence: str, year: int, problems: list[Problem]) -> list[date]:
    """Every date a sentence names, ranges spelled out day by day."""
    found: list[date] = []
    previous = None
    month = None
    for match in _DATE.finditer(sentence):
        written_year, written_month, day = match.groups()
        month = int(written_month) if written_month else month
        if month is None:
            problems.append(Problem("unreadable_date", True, {"text": match.group(0)}))
            continue
        try:
            d = date(int(written_year) if written_year else year, month, int(day))
        except ValueError:
            problems.append(Problem("unreadable_date", True, {"text": match.group(0)}))
            continue
        between = sentence[previous.end() : match.start()] if previous else None
        if between in _RANGE and found:
            start = found[-1]
            if d < start:
                problems.append(Problem("range_backwards", True, {"text": sentence[: match.end()]}))
            elif (d - start).days > 31:
                # No holiday is this long: a mistyped month, not days to spell out.
                problems.append(Problem("range_too_long", True, {"text": sentence[: match.end()]}))
                previous = match
                continue
            found.extend(start + timedelta(days=i) for i in range(1, (d - start).days + 1))
        else:
            found.append(d)
        previous = match
    return found


def parse(text: str, year: int) -> Notice:
    """Read a notice for `year`. Dates written without a year are in it."""
    text = _normalise(text)
    problems: list[Problem] = []
    entries: list[Entry] = []
    headings = list(_HEADING.finditer(text))
    for i, heading in enumerate(headings):
        known, unknown = heading.groups()
        body = text[heading.end() : headings[i + 1].start() if i + 1 < len(headings) else None]
        if unknown is not None:
            problems.append(Problem("unknown_festival", True, {"name": unknown}))
            continue
        names = re.split("、|和|及", known)
        entry = Entry(
            festivals=tuple(dict.fromkeys(NAMES[n] for n in names)), title="、".join(names)
        )
        entries.append(entry)
        for sentence in re.split("[。;]", body):
            dates = _dates(sentence, year, problems)
            if "放假" in sentence:
                entry.off.update(dates)
                total = _TOTAL.search(sentence)
                stated = total and int(total.group(1) or total.group(2))
                if stated and stated != len(set(dates)):
                    problems.append(
                        Problem(
                            "total_mismatch",
                            False,
                            {"title": entry.title, "stated": stated, "counted": len(set(dates))},
                        )
                    )
            elif "上班" in sentence:
                entry.worked.update(dates)
            elif dates:
                problems.append(Problem("ignored_sentence", False, {"text": sentence}))
    if not entries:
        problems.append(Problem("nothing_found", True))
    return Notice(year=year, entries=entries, problems=problems)


def check(notice: Notice, festivals: Festivals) -> Notice:
    """Add to the notice's problems what the law and the calendar say of it."""
    year = notice.year
    problems = notice.problems
    off = set().union(*(e.off for e in notice.entries))
    worked = set().union(*(e.worked for e in notice.entries))
    for d in sorted((off | worked) - {d for d in off | worked if d.year == year}):
        problems.append(Problem("outside_year", True, {"date": d}))
    for d in sorted(worked):
        if d.weekday() < 5:
            problems.append(Problem("workday_on_weekday", True, {"date": d}))
        if d in off:
            problems.append(Problem("workday_also_off", True, {"date": d}))
    named = {f for e in notice.entries for f in e.festivals}
    for festival, days in statutory_days(year, festivals).items():
        if festival not in named:
            problems.append(Problem("festival_missing", True, {"festival": festival}))
            continue
        for d in sorted(days - off):
            problems.append(
                Problem("festival_day_not_off", True, {"festival": festival, "date": d})
            )
    if notice.entries and not any(p.code == "outside_year" for p in problems):
        problems += _implausible_count(year, notice.schedule(festivals))
    return notice


def _implausible_count(year: int, schedule: YearSchedule) -> list[Problem]:
    """A warning when the year's working days are outside what published
    years had."""
    count = working_days_in(year, schedule)
    if count in PLAUSIBLE_WORKING_DAYS:
        return []
    return [
        Problem(
            "working_days_count",
            False,
            {
                "count": count,
                "low": PLAUSIBLE_WORKING_DAYS.start,
                "high": PLAUSIBLE_WORKING_DAYS.stop - 1,
            },
        )
    ]


def check_schedule(year: int, schedule: YearSchedule, festivals: Festivals) -> list[Problem]:
    """What is wrong with a schedule however it was entered (the admin's
    table of days): the checks of `check` that need no notice."""
    problems = [
        Problem("outside_year", True, {"date": d})
        for d in sorted(schedule.holidays | schedule.workdays)
        if d.year != year
    ]
    problems += [
        Problem("workday_on_weekday", True, {"date": d})
        for d in sorted(schedule.workdays)
        if d.weekday() < 5
    ]
    for festival, days in statutory_days(year, festivals).items():
        for d in sorted(days - schedule.holidays):
            problems.append(
                Problem("festival_day_not_off", True, {"festival": festival, "date": d})
            )
    if not problems:
        problems += _implausible_count(year, schedule)
    return problems


def read(text: str, year: int, festivals: Festivals) -> Notice:
    return check(parse(text, year), festivals)


def working_days_in(year: int, schedule: YearSchedule) -> int:
    day, end, count = date(year, 1, 1), date(year + 1, 1, 1), 0
    while day < end:
        if day in schedule.workdays or (day.weekday() < 5 and day not in schedule.holidays):
            count += 1
        day += timedelta(days=1)
    return count


def _written(d: date, month: int | None = None) -> str:
    return f"{d.day}日" if month == d.month else f"{d.month}月{d.day}日"


def statutory_notice(year: int, festivals: Festivals) -> str:
    """A draft notice of the statutory holidays alone (no make-up days), in
    the State Council's wording, for an administrator to correct."""
    lines = []
    days = statutory_days(year, festivals)
    for number, festival in enumerate((f for f in FESTIVALS if f in days), start=0):
        found = sorted(days[festival])
        first, last = found[0], found[-1]
        when = (
            f"{_written(first)}放假，共1天"
            if first == last
            else f"{_written(first)}至{_written(last, first.month)}放假，共{len(found)}天"
        )
        lines.append(f"{NUMERALS[number]}、{TITLES[festival]}：{when}。")
    return "\n".join(lines)


def month_grid(year: int, schedule: YearSchedule) -> list[tuple[int, list[list[tuple]]]]:
    """Twelve months of weeks (Monday first) of (date or None, kind): kind is
    "holiday", "workday" (made up), "weekend" or "working"."""
    months = []
    for month in range(1, 13):
        weeks = []
        for week in stdlib_calendar.Calendar().monthdatescalendar(year, month):
            row = []
            for d in week:
                if d.month != month:
                    row.append((None, ""))
                elif d in schedule.holidays:
                    row.append((d, "holiday"))
                elif d in schedule.workdays:
                    row.append((d, "workday"))
                elif d.weekday() >= 5:
                    row.append((d, "weekend"))
                else:
                    row.append((d, "working"))
            weeks.append(row)
        months.append((month, weeks))
    return months
