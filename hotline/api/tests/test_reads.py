"""The reference reads: units, categories, the policy and the calendar."""

from datetime import date

from django.utils import timezone

from hotline.calendar.services import database_calendar
from hotline.organisation.models import Unit
from hotline.policy.models import Policy

CITY_BUREAU = "福州市信访局"


def test_units_and_categories(db, api_as):
    api = api_as("city_handler", "福州市城市管理委员会")
    units = api.get("/units").json()
    assert len(units) == Unit.objects.count()
    bureau = Unit.objects.get(name=CITY_BUREAU)
    assert api.get(f"/units/{bureau.pk}").json() == {
        "id": bureau.pk,
        "name": CITY_BUREAU,
        "kind": "petition_bureau",
        "level": "city",
        "district": None,
        "parent_id": None,
        "is_active": True,
    }
    codes = [c["code"] for c in api.get("/categories", active=True).json()]
    assert "CG" in codes


def test_the_policy_in_force_and_at_a_moment(db, clock, api_as):
    clock("2026-09-29 10:00")
    api = api_as("city_handler", "福州市城市管理委员会")
    policy = Policy.in_force(timezone.now())
    now = api.get("/policy").json()
    assert (now["id"], now["read_days"]) == (policy.pk, policy.read_days)
    assert api.get(f"/policies/{policy.pk}").json() == now


def test_the_calendar_counts_working_days_as_the_deadlines_do(db, api_as):
    api = api_as("city_handler", "福州市城市管理委员会")
    days = api.get("/calendar", start="2026-09-28", end="2026-10-09").json()
    calendar = database_calendar()
    assert [d["working_day"] for d in days] == [
        calendar.is_working_day(date.fromisoformat(d["date"])) for d in days
    ]
    assert not all(d["working_day"] for d in days)  # the National Day holiday
    too_long = api.get("/calendar", start="2026-01-01", end="2027-06-01")
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "end"
