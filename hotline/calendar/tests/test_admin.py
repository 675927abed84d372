"""The calendar's table of days in the administration holds to the calendar
page's checks (D1)."""

import pytest

from hotline.calendar.models import CalendarYear

pytestmark = pytest.mark.django_db


def post_year(client, confirmed, days):
    data = {
        "year": "2027",
        "source": "",
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    if confirmed:
        data["confirmed"] = "on"
    for i, (day, kind) in enumerate(days):
        data |= {f"days-{i}-date": day, f"days-{i}-kind": kind, f"days-{i}-name": ""}
    return client.post("/admin/workcalendar/calendaryear/add/", data)


@pytest.fixture
def admin_client(client, person):
    client.force_login(person("admin"))
    return client


def test_a_date_outside_the_year_is_refused_D1(admin_client):
    answer = post_year(admin_client, False, [("2028-01-03", "holiday")])
    assert answer.status_code == 200
    assert "1月3日不在本次录入的年份内" in answer.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_year_with_three_days_off_is_not_confirmed_D1(admin_client):
    days = [("2027-01-01", "holiday"), ("2027-01-04", "holiday"), ("2027-01-05", "holiday")]
    answer = post_year(admin_client, True, days)
    assert answer.status_code == 200
    assert "2月8日是春节的法定假日" in answer.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert post_year(admin_client, False, days).status_code == 302  # a draft is kept
    assert not CalendarYear.objects.get(year=2027).confirmed


def test_the_admins_calendar_warning_links_to_the_calendar_page_D1(admin_client):
    import time_machine

    with time_machine.travel("2026-12-01 09:00 +0800"):
        page = admin_client.get("/admin/").content.decode()
    assert 'href="/calendar/"' in page
