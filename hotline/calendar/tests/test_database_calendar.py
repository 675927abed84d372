"""The calendar as administrators maintain it (D1)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from hotline.calendar.models import CalendarDay, CalendarYear
from hotline.calendar.services import database_calendar, unconfirmed_year_warnings
from hotline.calendar.workdays import china_calendar

pytestmark = pytest.mark.django_db
D = date.fromisoformat


def test_seeded_database_calendar_equals_the_shipped_one_D1():
    """Every day 2004–2026 in the database agrees with the shipped data."""
    db, shipped = database_calendar(), china_calendar()
    d, end = date(2004, 1, 1), date(2027, 12, 31)
    while d <= end:
        assert db.is_working_day(d) == shipped.is_working_day(d), d
        assert db.is_provisional(d) == shipped.is_provisional(d), d
        d += timedelta(days=1)


def enter_2027(confirmed: bool) -> CalendarYear:
    """What an administrator types in when the 2027 notice appears (a
    hypothetical one: Spring Festival 02-05..02-11, Sat 02-20 worked)."""
    year = CalendarYear.objects.create(year=2027, confirmed=confirmed, source="国办发明电")
    for i in range(7):
        CalendarDay.objects.create(
            year=year, date=D("2027-02-05") + timedelta(days=i), kind="holiday", name="春节"
        )
    CalendarDay.objects.create(year=year, date=D("2027-02-20"), kind="workday", name="调休上班")
    return year


def test_a_confirmed_year_entered_by_an_administrator_takes_effect_D1():
    enter_2027(confirmed=True)
    calendar = database_calendar()
    assert not calendar.is_provisional(D("2027-02-09"))
    assert not calendar.is_working_day(D("2027-02-10"))  # by rule it would be a working day
    assert calendar.is_working_day(D("2027-02-20"))
    assert calendar.add_working_days(D("2027-02-04"), 1) == D("2027-02-12")


def test_a_draft_year_does_not_count_until_confirmed_D1():
    year = enter_2027(confirmed=False)
    assert database_calendar().is_provisional(D("2027-02-10"))
    assert database_calendar().is_working_day(D("2027-02-10"))  # statutory rule only
    year.confirmed = True
    year.save()
    assert not database_calendar().is_working_day(D("2027-02-10"))


def test_removing_a_day_changes_the_calendar_at_once_D1():
    enter_2027(confirmed=True)
    assert not database_calendar().is_working_day(D("2027-02-10"))
    CalendarDay.objects.get(date=D("2027-02-10")).delete()
    assert database_calendar().is_working_day(D("2027-02-10"))


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        ("2027-02-22", "workday", "必须是周六或周日"),  # a Monday cannot be a make-up day
        ("2028-01-01", "holiday", "不在2027年内"),  # wrong year
    ],
)
def test_calendar_day_validation_D1(day, kind, message):
    year = CalendarYear.objects.create(year=2027)
    day = CalendarDay(year=year, date=D(day), kind=kind)
    with pytest.raises(ValidationError) as error, time_machine.travel("2026-11-26", tick=False):
        day.full_clean()
    assert message in str(error.value.message_dict["date"])


@pytest.mark.parametrize(
    ("today", "warned_years"),
    [
        ("2026-11-30", []),  # next year not due yet
        ("2026-12-01", [2027]),  # from 1 December on: 2027 unconfirmed
        ("2027-01-05", [2027]),  # still unconfirmed in its own year
    ],
)
def test_administrators_are_warned_while_next_year_is_unconfirmed_D1(today, warned_years):
    warnings = unconfirmed_year_warnings(D(today))
    assert [y for y in (2026, 2027, 2028) if any(str(y) in w for w in warnings)] == warned_years


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_warning_shows_on_the_admin_pages_D1(client, person, language):
    client.force_login(person("admin"))
    client.cookies["django_language"] = language
    with time_machine.travel("2026-12-01 09:00 +0800", tick=False):
        page = client.get("/admin/").content.decode()
        assert 'data-testid="calendar-warning"' in page
        assert (
            "2027年节假日安排尚未确认" if language == "zh-hans" else "2027 holiday schedule"
        ) in (page)
        enter_2027(confirmed=True)
        assert 'data-testid="calendar-warning"' not in client.get("/admin/").content.decode()
