"""A district bureau asks the city bureau to take a case back (R8.3b, D4)."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.errors import WrongState
from hotline.cases.tests.conftest import at, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def part(flow, clock):
    clock("2026-11-26 10:00")  # Thursday
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    return case.parts.get()


def ask(flow, part):
    actions.request_take_back(
        actor=flow.gulou_bureau,
        part=part,
        reason="事发地在仓山区",
        suggested_unit=unit("仓山区信访局"),
    )
    part.refresh_from_db()


def test_district_asks_within_one_working_day_R8_3b(flow, clock, part):
    clock("2026-11-27 18:00")
    ask(flow, part)
    assert part.state == "take_back_requested"
    district_clock = part.clocks.get(kind="dispatch")
    assert district_clock.cancelled_at == at("2026-11-27 18:00")  # stopped while asking
    decision = part.clocks.get(kind="return_decision")
    assert (decision.unit.name, decision.due_at) == ("福州市信访局", at("2026-12-01 00:00"))


def test_too_late_to_ask_R8_3b(flow, clock, part):
    clock("2026-11-28 00:00")
    with pytest.raises(WrongState, match="撤回此诉求件的期限已过"):
        ask(flow, part)


def test_city_accepts_and_redispatches_with_a_fresh_clock_R8_3b(flow, clock, part):
    clock("2026-11-27 09:00")
    ask(flow, part)
    clock("2026-11-27 15:00")
    actions.decide_take_back(actor=flow.city_dispatcher, part=part, accept=True)
    part.refresh_from_db()
    assert (part.state, part.holder_bureau.name) == ("awaiting_dispatch", "福州市信访局")
    fresh = part.clocks.filter(kind="dispatch").latest("id")
    assert (fresh.unit.name, fresh.started_at) == ("福州市信访局", at("2026-11-27 15:00"))
    actions.dispatch_part(
        actor=flow.city_dispatcher, part=part, plan=PartPlan(district_bureau=unit("仓山区信访局"))
    )
    part.refresh_from_db()
    assert part.holder_bureau.name == "仓山区信访局"


def test_city_rejects_and_the_case_stays_with_the_district_R8_3b(flow, clock, part):
    clock("2026-11-27 09:00")
    ask(flow, part)
    clock("2026-11-27 16:00")
    actions.decide_take_back(actor=flow.city_dispatcher, part=part, accept=False, note="属鼓楼区")
    part.refresh_from_db()
    assert (part.state, part.holder_bureau.name) == ("awaiting_dispatch", "鼓楼区信访局")
    again = part.clocks.filter(kind="dispatch").latest("id")
    assert (again.unit.name, again.due_at) == ("鼓楼区信访局", at("2026-12-01 00:00"))
    with pytest.raises(WrongState):
        ask(flow, part)


def test_unanswered_request_lapses_and_the_district_clock_restarts_D4(flow, clock, part):
    """D4: the city bureau lets the request pass 1 working day: it lapses by
    itself and the district's dispatch clock starts again from that moment."""
    clock("2026-11-27 09:00")
    ask(flow, part)
    clock("2026-12-01 00:05")
    report = breach_due_clocks()
    assert report.lapsed_requests == 1
    part.refresh_from_db()
    assert (part.state, part.holder_bureau.name) == ("awaiting_dispatch", "鼓楼区信访局")
    assert part.return_requests.get().decision == "lapsed"
    restarted = part.clocks.filter(kind="dispatch").latest("id")
    assert restarted.started_at == at("2026-12-01 00:00")  # the moment it lapsed
    assert restarted.due_at == at("2026-12-03 00:00")  # lapse day 12-01 not counted (D1)
    assert part.case.events.filter(action="lapse_take_back").exists()
    with pytest.raises(WrongState):
        actions.decide_take_back(actor=flow.city_dispatcher, part=part, accept=True)


def test_only_a_district_bureau_asks_R8_3b(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    with pytest.raises(WrongState):
        actions.request_take_back(actor=flow.city_dispatcher, part=case.parts.get(), reason="x")
