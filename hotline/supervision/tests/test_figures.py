"""Figures kept per day give the same numbers as counting live (R11), and a
late write to an earlier day is counted at once."""

from datetime import date

import pytest
from django.utils import timezone

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.models import Violation
from hotline.cases.tests.conftest import at, staff, unit
from hotline.organisation.models import District, Unit, User
from hotline.supervision import bulletins, dashboard
from hotline.supervision.figures import settle, settle_past_days
from hotline.supervision.models import SettledDay, UnitFigure
from hotline.supervision.rules import excuse_violation
from hotline.supervision.tests.test_bulletins import november  # noqa: F401

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1), date(2026, 11, 30)


def _numbers(district=None):
    return bulletins.numbers(*NOVEMBER, district)


def _table():
    return [
        {k: v for k, v in row.items() if k != "unit"} | {"unit": row["unit"].pk}
        for row in dashboard.rows(*NOVEMBER, Unit.objects.all())
    ]


def test_settled_days_give_the_live_numbers_R11(november):  # noqa: F811
    live, table = _numbers(), _table()
    gulou = District.objects.get(name="鼓楼区")
    live_gulou = _numbers(gulou)
    assert settle_past_days() == 18  # 2 (the first case) to 19 November; the 20th is today
    assert UnitFigure.objects.filter(day=date(2026, 11, 2)).exists()
    assert _numbers() == live
    assert _table() == table
    assert _numbers(gulou) == live_gulou
    assert settle_past_days() == 0  # nothing stale, nothing to do


def test_today_and_days_with_running_clocks_are_not_settled(flow, clock):
    clock("2026-11-02 10:00")
    assignment = flow.to(flow.phone_case(), "福州市城市管理委员会")
    assert not settle(date(2026, 11, 2))  # today
    clock("2026-11-20 09:00")
    assert settle(date(2026, 11, 2))
    # Until the worker breaches it, the running read clock keeps its day open.
    read = assignment.clocks.get(kind="read")
    assert not settle(timezone.localtime(read.due_at).date())


def test_an_excused_violation_leaves_a_settled_day_at_once_R11_D5(november, clock):  # noqa: F811
    settle_past_days()
    before = _numbers()
    assert before["late_reads"] == 1
    late_read = Violation.objects.get(kind=Violation.Kind.LATE_READ)
    day = timezone.localtime(late_read.occurred_at).date()
    excuse_violation(
        actor=User.objects.get(username="city_supervisor"), violation=late_read, reason="系统故障"
    )
    assert SettledDay.objects.get(day=day).stale
    assert _numbers()["late_reads"] == 0
    settle_past_days()
    assert not SettledDay.objects.get(day=day).stale
    assert _numbers()["late_reads"] == 0


def test_a_backdated_registration_counts_on_its_day(flow, clock):
    clock("2026-11-05 10:00")
    settle_past_days()  # no cases yet: nothing to settle
    flow.phone_case()
    clock("2026-11-10 10:00")
    settle_past_days()
    flow.phone_case(received_at=at("2026-11-05 16:00"))
    assert _numbers()["received"] == 2
    assert _numbers()["by_channel"] == {"电话": 2}


def test_a_reopened_case_no_longer_counts_its_rating_D9(november, flow, clock):  # noqa: F811
    _a, _b, c = november
    settle_past_days()
    assert (_numbers()["rated"], _numbers()["satisfied"]) == (2, 1)
    actions.reopen_for_redo(actor=flow.city_reviewer, case=c.case, reasons="未解决")
    assert (_numbers()["rated"], _numbers()["satisfied"]) == (1, 1)


def test_a_district_joining_an_older_case_counts_for_the_district(flow, clock):
    gulou = District.objects.get(name="鼓楼区")
    clock("2026-11-02 10:00")
    case = flow.phone_case(content="鼓楼区的诉求")
    flow.accept(case)
    clock("2026-11-04 09:00")
    from hotline.cases.clocks import breach_due_clocks

    breach_due_clocks()
    settle_past_days()
    assert _numbers(gulou)["received"] == 0
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    assert _numbers(gulou)["received"] == 1


def test_the_worker_settles_the_days_that_are_over(november):  # noqa: F811
    from hotline.supervision.tasks import settle_figures

    settle_figures.call_local()
    assert SettledDay.objects.filter(stale=False).count() == 18


def test_the_monthly_trend_shows_the_bulletin_s_numbers_R11(november):  # noqa: F811
    from hotline.portal.stats import monthly

    settle_past_days()
    data = _numbers()
    month = monthly()["rows"][-1]
    assert month.month == date(2026, 11, 1)
    assert (month.received, month.replies, month.on_time) == (
        data["received"],
        data["reply"]["total"],
        data["reply"]["on_time"],
    )
    assert (month.rated, month.satisfied) == (data["rated"], data["satisfied"])


def _kept_and_live():
    """The numbers with the settled days as kept, then counted live."""
    kept = _numbers(), _table()
    SettledDay.objects.update(stale=True)
    return kept, (_numbers(), _table())


def test_a_rejected_return_counts_the_missed_clocks_on_their_days_D3(flow, clock):
    clock("2026-11-02 10:00")
    assignment = flow.to(flow.phone_case(), "福州市城市管理委员会")
    actions.return_assignment(
        actor=staff("福州市城市管理委员会", "handler"), assignment=assignment, reason="非本单位"
    )
    clock("2026-11-20 09:00")
    from hotline.cases.clocks import breach_due_clocks

    breach_due_clocks()  # the reply clock ran out while the return was pending
    settle_past_days()
    assert _numbers()["lapsed"] == 0
    actions.decide_return(
        actor=flow.city_dispatcher, assignment=assignment, withdraw=False, note="属于城管职责"
    )
    kept, live = _kept_and_live()
    assert live[0]["lapsed"] == 1
    assert kept == live


def test_a_backdated_demo_case_counts_on_its_new_days(flow, clock):
    from hotline.cases.demo import _backdate

    clock("2026-11-02 10:00")
    flow.phone_case()
    clock("2026-11-20 10:00")
    settle_past_days()
    case = flow.phone_case()
    flow.to(case, "福州市城市管理委员会")
    _backdate(case, days=14)
    kept, live = _kept_and_live()
    assert live[0]["received"] == 2
    assert kept == live


def test_a_unit_keeps_its_district_in_the_admin(db):
    from django.contrib import admin

    from hotline.organisation.admin import UnitAdmin

    model_admin = UnitAdmin(Unit, admin.site)
    assert {"level", "district"} <= set(model_admin.get_readonly_fields(None, unit("鼓楼区信访局")))
    assert "district" not in model_admin.get_readonly_fields(None, None)


def test_a_write_begun_before_midnight_counts_on_its_day(flow, clock):
    # A verb started at 23:59:59 times its rows then and commits after
    # midnight; touching only earlier days, it does not mark its day stale.
    clock("2026-11-19 10:00")
    flow.phone_case()
    clock("2026-11-20 00:00:30")
    assert not settle(date(2026, 11, 19))  # over, but not long enough
    clock("2026-11-20 00:10")
    assert settle(date(2026, 11, 19))
