"""Excusing a violation (D5, R11(2)) changes every figure the same way: the
bulletin, the dashboard and the list behind it, and the annual ranking all
count the excused late read as on time, whether its day is settled or not."""

from datetime import date

import pytest
from django.test import Client

from hotline.cases import actions
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.models import Violation
from hotline.cases.tests.conftest import staff
from hotline.cases.tests.test_clocks import CGW
from hotline.organisation.models import Unit, User
from hotline.supervision import bulletins, dashboard, figures
from hotline.supervision.rules import annual_ranking, excuse_violation

pytestmark = pytest.mark.django_db
DECEMBER = date(2026, 12, 1), date(2026, 12, 31)


@pytest.fixture
def late_read(flow, clock):
    """A read clock due at the end of Mon 11-30, read on 12-01."""
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    clock("2026-12-01 08:00")
    breach_due_clocks()
    actions.read_assignment(actor=staff(CGW, "handler"), assignment=assignment)
    return Violation.objects.get(kind="late_read")


def figures_seen(unit):
    """(bulletin read, dashboard row, drill-down count, ranking read rate)."""
    read = bulletins.numbers(*DECEMBER)["read"]
    [row] = [r for r in dashboard.rows(*DECEMBER, Unit.objects.all()) if r["unit"] == unit]
    listed, _cases = dashboard.drill("late_reads", unit, *DECEMBER)
    [score] = [s for s in annual_ranking(2026) if s.unit == unit]
    return (
        (read["total"], read["on_time"], read["rate"]),
        (row["reads"], row["late_reads"], row["read_rate"]),
        listed.count(),
        score.read,
    )


@pytest.mark.parametrize("settled_first", [False, True], ids=["live", "settled"])
def test_an_excused_late_read_is_on_time_in_every_figure_D5_R11_2(late_read, clock, settled_first):
    unit = late_read.unit
    if settled_first:
        clock("2026-12-02 09:00")
        assert figures.settle(date(2026, 12, 1))
    assert figures_seen(unit) == ((1, 0, 0.0), (1, 1, 0.0), 1, 0.0)
    assert bulletins.numbers(*DECEMBER)["late_reads"] == 1

    excuse_violation(
        actor=User.objects.get(username="city_supervisor"),
        violation=late_read,
        reason="系统故障，工单未推送到单位",
    )
    assert figures_seen(unit) == ((1, 1, 100.0), (1, 0, 100.0), 0, 1.0)
    assert bulletins.numbers(*DECEMBER)["late_reads"] == 0
    # Settled again, the kept figures say the same.
    clock("2026-12-02 10:00")
    assert figures.settle(date(2026, 12, 1))
    assert figures_seen(unit) == ((1, 1, 100.0), (1, 0, 100.0), 0, 1.0)


def test_figures_counted_under_other_definitions_are_counted_again(late_read, clock):
    """A day settled before the definitions changed is counted live until
    the worker settles it again (ADR 6)."""
    from hotline.supervision.models import SettledDay

    clock("2026-12-02 09:00")
    assert figures.settle(date(2026, 12, 1))
    SettledDay.objects.filter(day=date(2026, 12, 1)).update(definitions=figures.DEFINITIONS - 1)
    assert figures.settle_past_days() >= 1
    assert SettledDay.objects.get(day=date(2026, 12, 1)).definitions == figures.DEFINITIONS


def supervisor(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_supervisor_excuses_from_the_case_page_and_the_timeline_says_so_D5(late_read):
    city = supervisor("city_supervisor")
    page = city.get(f"/cases/{late_read.case.number}/").content.decode()
    assert 'data-testid="excuse"' in page
    answer = city.post(
        f"/supervision/violations/{late_read.pk}/excuse/",
        {"reason": "系统故障，工单未推送", "back": "case"},
        follow=True,
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "系统故障，工单未推送" in html and 'data-testid="excuse"' not in html
    late_read.refresh_from_db()
    assert late_read.excused_by.username == "city_supervisor"
    event = late_read.case.events.get(action="excuse_violation")
    assert event.actor_unit.name == "福州市效能办"
    assert event.details["reason"] == "系统故障，工单未推送"


def test_excusing_needs_a_reason_and_happens_once_D5(late_read):
    city = supervisor("city_supervisor")
    url = f"/supervision/violations/{late_read.pk}/excuse/"
    city.post(url, {"reason": "  "})
    late_read.refresh_from_db()
    assert late_read.excused_at is None
    city.post(url, {"reason": "停电"})
    city.post(url, {"reason": "再一次"})
    late_read.refresh_from_db()
    assert late_read.excuse_reason == "停电"
    assert late_read.case.events.filter(action="excuse_violation").count() == 1


def test_a_district_office_cannot_excuse_a_city_units_violation_R11_2(late_read):
    """鼓楼区效能办 supervises the units of 鼓楼区, not the city's
    management committee; it is not offered and it is refused."""
    district = supervisor("gulou_supervisor")
    answer = district.post(f"/supervision/violations/{late_read.pk}/excuse/", {"reason": "停电"})
    assert answer.status_code in (403, 404)
    late_read.refresh_from_db()
    assert late_read.excused_at is None


def test_staff_who_are_not_supervisors_cannot_excuse_D5(late_read):
    handler = supervisor(User.objects.filter(role_grants__unit__name=CGW).first().username)
    answer = handler.post(f"/supervision/violations/{late_read.pk}/excuse/", {"reason": "停电"})
    assert answer.status_code == 403
    assert (
        'data-testid="excuse"'
        not in handler.get(f"/cases/{late_read.case.number}/").content.decode()
    )
