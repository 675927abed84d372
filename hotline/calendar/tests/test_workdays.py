"""The pure working-day core (D1, D2): one row per case, each with its reason."""

from datetime import UTC, date, datetime, timedelta

import pytest

from hotline.calendar.workdays import (
    SHANGHAI,
    CalendarRangeError,
    Festivals,
    WorkCalendar,
    YearSchedule,
    china_calendar,
    shipped_festivals,
    statutory_holidays,
)

D = date.fromisoformat


@pytest.fixture(scope="module")
def cal():
    return china_calendar()


IS_WORKING_DAY = [
    # 2025 (State Council schedule)
    ("2025-01-01", False),  # Wed, New Year's Day
    ("2025-01-26", True),  # Sun, make-up day before Spring Festival
    ("2025-01-28", False),  # Tue, 除夕 (a statutory holiday from 2025 on)
    ("2025-02-04", False),  # Tue, last day of Spring Festival
    ("2025-02-05", True),  # Wed, back to work
    ("2025-02-08", True),  # Sat, make-up day after Spring Festival
    ("2025-04-04", False),  # Fri, Qingming
    ("2025-04-07", True),  # Mon after Qingming
    ("2025-04-27", True),  # Sun, make-up day before Labour Day
    ("2025-05-05", False),  # Mon, Labour Day holiday
    ("2025-06-02", False),  # Mon, Dragon Boat holiday
    ("2025-09-28", True),  # Sun, make-up day before National Day
    ("2025-10-06", False),  # Mon, Mid-Autumn inside National Day
    ("2025-10-08", False),  # Wed, last day of National Day
    ("2025-10-09", True),  # Thu, back to work
    ("2025-10-11", True),  # Sat, make-up day after National Day
    ("2025-10-12", False),  # Sun, ordinary weekend
    # 2026 (State Council schedule)
    ("2026-01-02", False),  # Fri, New Year holiday
    ("2026-01-04", True),  # Sun, make-up day after New Year
    ("2026-02-14", True),  # Sat, make-up day before Spring Festival
    ("2026-02-15", False),  # Sun, first day of Spring Festival
    ("2026-02-23", False),  # Mon, last day of Spring Festival
    ("2026-02-24", True),  # Tue, back to work
    ("2026-02-28", True),  # Sat, make-up day after Spring Festival
    ("2026-04-06", False),  # Mon, Qingming holiday
    ("2026-05-05", False),  # Tue, Labour Day holiday
    ("2026-05-09", True),  # Sat, make-up day after Labour Day
    ("2026-06-19", False),  # Fri, Dragon Boat
    ("2026-09-20", True),  # Sun, make-up day before National Day
    ("2026-09-25", False),  # Fri, Mid-Autumn
    ("2026-10-07", False),  # Wed, last day of National Day
    ("2026-10-08", True),  # Thu, back to work
    ("2026-10-10", True),  # Sat, make-up day after National Day
    ("2026-11-26", True),  # Thu, an ordinary working day
    # 2027 has no published schedule: statutory holidays only (provisional)
    ("2027-01-01", False),  # Fri, New Year's Day
    ("2027-02-05", False),  # Fri, 除夕
    ("2027-02-08", False),  # Mon, third day of Spring Festival
    ("2027-02-09", True),  # Tue, no substitute days in a provisional year
    ("2027-10-04", True),  # Mon, National Day is only 1–3 October by law
]


@pytest.mark.parametrize(("day", "working"), IS_WORKING_DAY)
def test_is_working_day_D1(cal, day, working):
    """D1: public holidays off, 调休 make-up days on."""
    assert cal.is_working_day(D(day)) is working


ADD_WORKING_DAYS = [
    ("2025-01-24", 1, "2025-01-26"),  # Fri → make-up Sun before Spring Festival
    ("2025-01-27", 1, "2025-02-05"),  # Mon before 除夕 → Wed after the holiday
    ("2025-09-26", 1, "2025-09-28"),  # Fri → make-up Sun before National Day
    ("2025-09-30", 1, "2025-10-09"),  # Tue before National Day → Thu after it
    ("2025-12-31", 1, "2026-01-04"),  # year boundary: New Year off, Sun 01-04 worked
    ("2026-02-13", 1, "2026-02-14"),  # Fri → make-up Sat before Spring Festival
    ("2026-02-14", 1, "2026-02-24"),  # make-up Sat → Tue after the 9-day holiday
    ("2026-04-30", 1, "2026-05-06"),  # Thu before Labour Day → Wed after it
    ("2026-05-06", 3, "2026-05-09"),  # counts the make-up Sat 05-09
    ("2026-09-18", 1, "2026-09-20"),  # Fri → make-up Sun before National Day
    ("2026-09-24", 1, "2026-09-28"),  # Thu before Mid-Autumn → Mon
    ("2026-09-30", 1, "2026-10-08"),  # Wed before National Day → Thu after it
    ("2026-09-29", 2, "2026-10-08"),  # read period across National Day
    ("2026-09-24", 10, "2026-10-15"),  # reply period across Mid-Autumn and National Day
    ("2026-10-01", 1, "2026-10-08"),  # starting on a holiday: the holiday is not counted
    ("2026-10-09", 1, "2026-10-10"),  # Fri → make-up Sat after National Day
    ("2026-12-31", 1, "2027-01-04"),  # into provisional 2027: Fri 01-01 off, weekend
    ("2027-02-04", 1, "2027-02-09"),  # provisional Spring Festival 02-05..02-08
    ("2026-10-03", 0, "2026-10-03"),  # zero days is the same day (D2), even a holiday
    ("2026-10-15", -3, "2026-10-12"),  # co-handler lead time: 3 working days before
    ("2026-10-08", -1, "2026-09-30"),  # backwards across National Day
    ("2026-10-10", -1, "2026-10-09"),  # backwards from a make-up Sat
    ("2026-10-04", -1, "2026-09-30"),  # backwards from a holiday
]


@pytest.mark.parametrize(("start", "n", "expected"), ADD_WORKING_DAYS)
def test_add_working_days_D1(cal, start, n, expected):
    """D1: the start day is not counted; the n-th working day after it."""
    assert cal.add_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize(("start", "n", "expected"), [r for r in ADD_WORKING_DAYS if r[1] >= 0])
def test_working_days_between_inverts_add_D1(cal, start, n, expected):
    """Counting back the days between start and the result gives n again."""
    assert cal.working_days_between(D(start), D(expected)) == n


WORKING_DAYS_BETWEEN = [
    ("2026-09-30", "2026-10-08", 1),  # only 10-08 counts; 09-30 is the start day
    ("2026-10-08", "2026-09-30", -1),  # reversed
    ("2026-10-01", "2026-10-07", 0),  # all holidays
    ("2024-12-31", "2025-12-31", 248),  # 2025: 261 weekdays − 18 off + 5 make-up
    ("2025-12-31", "2026-12-31", 248),  # 2026: 261 weekdays − 19 off + 6 make-up
]


@pytest.mark.parametrize(("a", "b", "expected"), WORKING_DAYS_BETWEEN)
def test_working_days_between_D1(cal, a, b, expected):
    assert cal.working_days_between(D(a), D(b)) == expected


def local(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=SHANGHAI)


DEADLINES = [
    # (start, n, deadline) all in Asia/Shanghai unless the start says otherwise
    (local("2026-09-30 15:00"), 1, local("2026-10-09 00:00")),  # dispatch before National Day
    (datetime(2026, 9, 30, 17, 0, tzinfo=UTC), 1, local("2026-10-09 00:00")),  # 01:00 10-01 local
    (datetime(2026, 9, 30, 15, 59, tzinfo=UTC), 1, local("2026-10-09 00:00")),  # 23:59 09-30 local
    (local("2026-09-24 09:00"), 10, local("2026-10-16 00:00")),  # reply across both holidays
    (local("2026-11-26 10:00"), 0, local("2026-11-27 00:00")),  # same-day forwarding (D2)
    (local("2026-10-02 10:00"), 0, local("2026-10-03 00:00")),  # same day even on a holiday
    (local("2026-12-31 23:59"), 1, local("2027-01-05 00:00")),  # year boundary, provisional
]


@pytest.mark.parametrize(("at", "n", "expected"), DEADLINES)
def test_deadline_ends_at_midnight_of_the_nth_working_day_D1(cal, at, n, expected):
    """D1: a period ends at 24:00 Asia/Shanghai of its last working day."""
    due = cal.deadline(at, n)
    assert due == expected
    assert due.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("day", "provisional"),
    [
        ("2004-01-01", False),  # first shipped year
        ("2026-12-31", False),  # last published year
        ("2027-01-01", True),  # no schedule yet
        ("2100-12-31", True),  # far future, still counted by rule
    ],
)
def test_is_provisional_D1(cal, day, provisional):
    assert cal.is_provisional(D(day)) is provisional


@pytest.mark.parametrize(
    ("a", "b", "provisional"),
    [
        ("2026-12-20", "2026-12-31", False),  # all in a published year
        ("2026-12-28", "2027-01-04", True),  # a deadline counted into 2027
        ("2025-12-28", "2026-01-05", False),  # across two published years
    ],
)
def test_is_provisional_between_D1(cal, a, b, provisional):
    assert cal.is_provisional_between(D(a), D(b)) is provisional


@pytest.mark.parametrize("day", ["2003-12-31", "2101-01-01"])
def test_outside_the_calendar_is_an_error_not_a_guess(cal, day):
    with pytest.raises(CalendarRangeError):
        cal.is_working_day(D(day))
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(D(day), 1)


def test_counting_past_the_last_known_day_is_an_error(cal):
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(D("2100-12-30"), 5)


def test_statutory_holidays_of_a_provisional_year_D1(cal):
    """D1: New Year, Spring Festival (eve + 3), Qingming, Labour Day (2),
    Dragon Boat, Mid-Autumn, National Day (3): 13 days, no make-up days."""
    assert sorted(statutory_holidays(2027, cal_festivals(2027))) == [
        D(s)
        for s in [
            "2027-01-01",
            "2027-02-05",
            "2027-02-06",
            "2027-02-07",
            "2027-02-08",
            "2027-04-05",
            "2027-05-01",
            "2027-05-02",
            "2027-06-09",
            "2027-09-15",
            "2027-10-01",
            "2027-10-02",
            "2027-10-03",
        ]
    ]


def cal_festivals(year):
    return shipped_festivals()[year]


def periods(*spans):
    days = set()
    for first, last in spans:
        d = D(first)
        while d <= D(last):
            days.add(d)
            d += timedelta(days=1)
    return days


# The State Council General Office notices, transcribed period by period.
NOTICES = {
    2025: (
        periods(
            ("2025-01-01", "2025-01-01"),
            ("2025-01-28", "2025-02-04"),
            ("2025-04-04", "2025-04-06"),
            ("2025-05-01", "2025-05-05"),
            ("2025-05-31", "2025-06-02"),
            ("2025-10-01", "2025-10-08"),
        ),
        {D("2025-01-26"), D("2025-02-08"), D("2025-04-27"), D("2025-09-28"), D("2025-10-11")},
    ),
    2026: (
        periods(
            ("2026-01-01", "2026-01-03"),
            ("2026-02-15", "2026-02-23"),
            ("2026-04-04", "2026-04-06"),
            ("2026-05-01", "2026-05-05"),
            ("2026-06-19", "2026-06-21"),
            ("2026-09-25", "2026-09-27"),
            ("2026-10-01", "2026-10-07"),
        ),
        {
            D("2026-01-04"),
            D("2026-02-14"),
            D("2026-02-28"),
            D("2026-05-09"),
            D("2026-09-20"),
            D("2026-10-10"),
        },
    ),
}


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_shipped_schedule_matches_the_state_council_notice_D1(cal, year):
    """Every day of 2025 and 2026 agrees with the published notice."""
    off, on = NOTICES[year]
    wrong = []
    d = date(year, 1, 1)
    while d.year == year:
        expected = d in on or (d.weekday() < 5 and d not in off)
        if cal.is_working_day(d) != expected:
            wrong.append(d)
        d += timedelta(days=1)
    assert wrong == []


def test_a_confirmed_schedule_replaces_the_rule_D1():
    """Entering a year's schedule makes it count and no longer provisional."""
    festivals = {2027: cal_festivals(2027)}
    provisional = WorkCalendar({}, festivals)
    # Suppose the notice gives 2027-02-09 off and makes Sat 2027-02-20 a working day.
    confirmed = WorkCalendar(
        {
            2027: YearSchedule(
                holidays=frozenset(statutory_holidays(2027, festivals[2027]) | {D("2027-02-09")}),
                workdays=frozenset({D("2027-02-20")}),
            )
        },
        festivals,
    )
    assert provisional.is_provisional(D("2027-02-09"))
    assert not confirmed.is_provisional(D("2027-02-09"))
    assert provisional.add_working_days(D("2027-02-04"), 1) == D("2027-02-09")
    assert confirmed.add_working_days(D("2027-02-04"), 1) == D("2027-02-10")
    assert confirmed.is_working_day(D("2027-02-20"))


def test_festival_table_must_be_complete():
    f = cal_festivals(2027)
    with pytest.raises(ValueError, match="missing"):
        WorkCalendar({}, {2027: f, 2029: f})


def test_year_boundary_spring_festival_eve_belongs_to_its_own_year():
    """A Spring Festival on 1 January would put its eve in December of the
    year before; that day is not a holiday of the festival's year."""
    f = Festivals(
        spring_festival=D("2031-01-01"),
        qingming=D("2031-04-05"),
        dragon_boat=D("2031-06-01"),
        mid_autumn=D("2031-09-01"),
    )
    assert D("2030-12-31") not in statutory_holidays(2031, f)
