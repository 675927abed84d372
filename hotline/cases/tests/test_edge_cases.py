"""Paths through the workflow that a second reading found wrong once."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan, RequesterDetails
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.errors import WrongState
from hotline.cases.models import Violation
from hotline.cases.publication import public_record
from hotline.cases.repeats import timely_reply_count
from hotline.cases.tests.conftest import at, staff, unit

pytestmark = pytest.mark.django_db
CGW, SJ, GA = "福州市城市管理委员会", "福州市市场监督管理局", "福州市公安局"
SL, ST = "福州市水利局", "福州市生态环境局"


def test_co_handler_contributes_to_the_new_lead_after_a_withdrawal_D6(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(lead=unit(CGW), co=(unit(GA),)))
    lead = case.assignments.get(role="lead")
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=lead, reason="非本单位")
    actions.decide_return(actor=flow.city_dispatcher, assignment=lead, withdraw=True)
    part = case.parts.get()
    actions.dispatch_part(
        actor=flow.city_dispatcher, part=part, plan=PartPlan(lead=unit(SL), co=(unit(ST),))
    )
    co = part.assignments.get(role="co", state="received")
    actions.read_assignment(actor=staff(ST, "handler"), assignment=co)
    actions.instruct_assignment(actor=staff(ST, "leader"), assignment=co, instruction="配合")
    actions.contribute(actor=staff(ST, "handler"), assignment=co, text="已监测")
    assert case.events.get(action="contribute").details["to"] == SL


def test_a_withdrawn_return_leaves_no_violation_on_the_unit_R8_3a_D3(flow, clock):
    """The unit returned in time; the bureau took days to decide."""
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    clock("2026-11-26 11:00")
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=assignment, reason="非本单位")
    clock("2026-12-15 09:00")  # past even the reply clock
    breach_due_clocks()
    actions.decide_return(actor=flow.city_dispatcher, assignment=assignment, withdraw=True)
    assert not Violation.objects.filter(case=assignment.case).exists()


def test_a_rejected_return_counts_what_the_unit_missed_meanwhile_D3(flow, clock):
    """D3: a rejected return does not stop the unit's clocks."""
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=assignment, reason="非本单位")
    clock("2026-12-15 09:00")
    breach_due_clocks()
    assert not Violation.objects.exists()
    actions.decide_return(
        actor=flow.city_dispatcher, assignment=assignment, withdraw=False, note="属城管职责"
    )
    assert list(Violation.objects.values_list("kind", flat=True)) == ["lapsed"]


def test_withdrawn_units_clocks_do_not_make_a_reply_late_D7(flow, clock):
    clock("2026-11-26 10:00")
    text = "东街口夜间施工噪音扰民，影响休息，请尽快处理。"
    case = flow.phone_case(content=text)
    flow.accept(case)
    flow.dispatch(case, PartPlan(sole=unit(CGW)))
    first = case.assignments.get()
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=first, reason="非本单位")
    actions.decide_return(actor=flow.city_dispatcher, assignment=first, withdraw=True)
    actions.dispatch_part(
        actor=flow.city_dispatcher, part=case.parts.get(), plan=PartPlan(sole=unit(SJ))
    )
    second = case.assignments.get(state="received")
    flow.handle(second)
    flow.review(second.part)
    flow.close(case)
    assert timely_reply_count(flow.phone_case(content=text)) == 1


def test_a_reopened_redo_that_falls_short_is_overdue_D5_D9(flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    flow.handle(assignment)
    flow.review(assignment.part)
    case = flow.close(assignment.case)
    actions.rate_case(case=case, satisfaction="dissatisfied")
    actions.reopen_for_redo(actor=flow.city_reviewer, case=case, reasons="未解决")
    flow.reply(assignment, "再次处理")
    flow.review(assignment.part, approve=False, reasons="仍未解决")
    case.refresh_from_db()
    assert case.flag_overdue


def test_after_a_reopen_the_requester_rates_the_new_result_D9(flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    flow.handle(assignment)
    flow.review(assignment.part)
    case = flow.close(assignment.case)
    actions.rate_case(case=case, satisfaction="dissatisfied", comment="没解决")
    actions.reopen_for_redo(actor=flow.city_reviewer, case=case, reasons="未解决")
    flow.reply(assignment, "已彻底解决")
    flow.review(assignment.part)
    case = flow.close(case)
    with pytest.raises(WrongState):  # no second reopen on the old rating
        actions.reopen_for_redo(actor=flow.city_reviewer, case=case, reasons="再来")
    actions.rate_case(case=case, satisfaction="satisfied")
    event = case.events.get(action="reopen")
    assert event.details["previous_rating"] == {"satisfaction": "dissatisfied", "comment": "没解决"}


def test_a_take_back_request_past_its_clock_cannot_be_accepted_D4(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    part = case.parts.get()
    actions.request_take_back(actor=flow.gulou_bureau, part=part, reason="在仓山区")
    clock("2026-12-03 10:00")
    with pytest.raises(WrongState, match="逾期未答复而失效"):
        actions.decide_take_back(actor=flow.city_dispatcher, part=part, accept=True)


def test_the_next_district_may_ask_too_R8_3b(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    part = case.parts.get()
    actions.request_take_back(actor=flow.gulou_bureau, part=part, reason="在台江区")
    actions.decide_take_back(actor=flow.city_dispatcher, part=part, accept=True)
    actions.dispatch_part(
        actor=flow.city_dispatcher, part=part, plan=PartPlan(district_bureau=unit("台江区信访局"))
    )
    actions.request_take_back(
        actor=staff("台江区信访局", "dispatcher"), part=part, reason="在仓山区"
    )
    part.refresh_from_db()
    assert part.state == "take_back_requested"


def test_a_co_handlers_pending_return_is_closed_with_the_part_R8_3a(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(lead=unit(CGW), co=(unit(GA),)))
    lead, co = case.assignments.get(role="lead"), case.assignments.get(role="co")
    actions.return_assignment(actor=staff(GA, "handler"), assignment=co, reason="非本单位")
    flow.handle(lead)
    flow.review(lead.part)
    assert co.return_requests.get().decision == "moot"


def test_the_forward_clock_counts_from_registration_not_receipt_D2(flow, clock):
    """A fax that came in at 23:50 and is registered next morning is
    forwarded in time if forwarded that day."""
    clock("2026-11-27 08:30")
    case = flow.phone_case(channel="fax", received_at=at("2026-11-26 23:50"))
    forward = case.clocks.get(kind="forward")
    assert forward.due_at == at("2026-11-28 00:00") and forward.met_at <= forward.due_at


def test_the_requesters_own_address_is_hidden_in_published_text_D8(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case(
        content="我住在鼓楼区杨桥路88号3单元，楼下夜间施工噪音扰民。",
        requester=RequesterDetails(
            name="张三", phone="13805912345", address="鼓楼区杨桥路88号3单元"
        ),
    )
    assignment = flow.to(case, CGW)
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(case)
    assert "杨桥路88号" not in public_record(case).content


def test_a_co_handler_that_never_read_still_has_a_late_read_R8_1(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(lead=unit(CGW), co=(unit(GA),)))
    lead, co = case.assignments.get(role="lead"), case.assignments.get(role="co")
    flow.handle(lead)
    flow.review(lead.part)
    clock("2026-12-02 09:00")
    breach_due_clocks()
    late = Violation.objects.get(kind="late_read")
    assert late.unit.name == GA and late.clock.assignment_id == co.pk
