"""Objection review (N6): a unit's return is an objection the bureau decides
on its own clock, and the decision is final for that unit."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.errors import InvalidInput, WrongState
from hotline.cases.models import Clock, Event
from hotline.cases.tests.conftest import at, staff, unit
from hotline.policy.models import Policy

pytestmark = pytest.mark.django_db
CGW, SJ, GA = "福州市城市管理委员会", "福州市市场监督管理局", "福州市公安局"


def _objection_clock(assignment):
    return Clock.objects.get(assignment=assignment, kind=Clock.Kind.OBJECTION_DECISION)


def test_an_objection_runs_on_the_bureaus_clock_from_the_policy_N6(flow, clock):
    clock("2026-11-26 10:00")  # Thursday
    assignment = flow.to(flow.phone_case(), CGW)
    clock("2026-11-26 15:00")
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=assignment, reason="非本单位")
    objection = _objection_clock(assignment)
    days = assignment.case.policy.objection_decision_days
    assert (
        objection.working_days
        == days
        == Policy.in_force(at("2026-11-26 15:00")).objection_decision_days
    )
    assert objection.unit.name == "福州市信访局"
    assert objection.started_at == at("2026-11-26 15:00")
    assert objection.due_at == at("2026-11-28 00:00")  # one working day: Friday ends it
    clock("2026-11-27 11:00")
    actions.decide_return(
        actor=flow.city_dispatcher, assignment=assignment, withdraw=False, note="属于城管职责"
    )
    objection.refresh_from_db()
    assert objection.met_at == at("2026-11-27 11:00") and objection.breached_at is None


def test_an_undecided_objection_is_late_for_the_bureau_N6(flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=assignment, reason="非本单位")
    clock("2026-11-30 09:00")  # Monday: Friday went by undecided
    breach_due_clocks()
    objection = _objection_clock(assignment)
    assert objection.breached_at == at("2026-11-28 00:00")
    assert Event.objects.filter(
        case=assignment.case, action="clock_breached", details__kind="objection_decision"
    ).exists()
    # The bureau may still decide; the decision is recorded late.
    actions.decide_return(
        actor=flow.city_dispatcher, assignment=assignment, withdraw=False, note="属于城管职责"
    )
    objection.refresh_from_db()
    assert objection.met_at == at("2026-11-30 09:00") > objection.due_at


def test_a_decided_objection_is_final_for_the_unit_N6(flow, clock):
    """Withdrawn and later sent back to the same unit, it cannot object again."""
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    first = flow.to(case, CGW)
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=first, reason="非本单位")
    actions.decide_return(actor=flow.city_dispatcher, assignment=first, withdraw=True)
    actions.dispatch_part(
        actor=flow.city_dispatcher, part=first.part, plan=PartPlan(sole=unit(CGW))
    )
    again = case.assignments.exclude(pk=first.pk).get()
    with pytest.raises(WrongState, match="最终决定"):
        actions.return_assignment(actor=staff(CGW, "handler"), assignment=again, reason="再次退回")


def test_the_decision_names_a_lead_and_co_handlers_N6_R8_6(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    first = flow.to(case, CGW)
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=first, reason="非本单位")
    actions.decide_return(
        actor=flow.city_dispatcher,
        assignment=first,
        withdraw=True,
        note="占道经营由市场监管牵头，公安协办",
        plan=PartPlan(lead=unit(SJ), co=(unit(GA),)),
    )
    now = case.assignments.exclude(pk=first.pk).order_by("role")
    assert [(a.unit.name, a.role, a.state) for a in now] == [
        (GA, "co", "received"),
        (SJ, "lead", "received"),
    ]
    case.refresh_from_db()
    assert case.state == "handling"
    # Dispatched in the decision: no dispatch clock is left waiting on the bureau.
    assert not case.clocks.filter(kind="dispatch", met_at__isnull=True, cancelled_at__isnull=True)
    actions_in_order = list(case.events.values_list("action", flat=True))
    assert actions_in_order[-2:] == ["decide_return", "dispatch"]


def test_next_units_only_with_a_withdrawal_N6(flow, clock):
    clock("2026-11-26 10:00")
    first = flow.to(flow.phone_case(), CGW)
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=first, reason="非本单位")
    with pytest.raises(InvalidInput):
        actions.decide_return(
            actor=flow.city_dispatcher,
            assignment=first,
            withdraw=False,
            note="属于城管职责",
            plan=PartPlan(sole=unit(SJ)),
        )
    with pytest.raises(InvalidInput):  # a lead needs co-handlers
        actions.decide_return(
            actor=flow.city_dispatcher,
            assignment=first,
            withdraw=True,
            plan=PartPlan(lead=unit(SJ)),
        )
    first.refresh_from_db()
    assert first.state == "return_requested"


def test_an_accepted_objection_does_not_send_the_case_back_to_the_objecting_unit_N6(flow, clock):
    # Accepting the objection is deciding the case is not that unit's:
    # dispatching it straight back in the same decision contradicts it.
    clock("2026-11-26 10:00")
    first = flow.to(flow.phone_case(), CGW)
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=first, reason="非本单位")
    for plan in (PartPlan(sole=unit(CGW)), PartPlan(lead=unit(SJ), co=(unit(CGW),))):
        with pytest.raises(InvalidInput) as refused:
            actions.decide_return(
                actor=flow.city_dispatcher,
                assignment=first,
                withdraw=True,
                note="同意退回",
                plan=plan,
            )
        assert CGW in refused.value.message
    first.refresh_from_db()
    assert first.state == "return_requested"
