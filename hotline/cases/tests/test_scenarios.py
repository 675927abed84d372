"""Whole lives of cases across the 2026 National Day holiday (10-01 to 10-07,
with Sun 09-20 and Sat 10-10 worked), the clock moved with time-machine."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan, RequesterDetails
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.models import Violation
from hotline.cases.publication import public_record
from hotline.cases.tests.conftest import at, staff, unit

pytestmark = pytest.mark.django_db
GULOU = "鼓楼区信访局"


def due(obj, kind):
    return obj.clocks.filter(kind=kind).latest("id").due_at


def test_public_case_through_a_district_returned_redone_published_and_rated(flow, clock):
    """R5 R7 R8.1 R8.2 R8.3a R8.4a R9 D3 D9 across National Day."""
    clock("2026-09-29 16:30")  # Tuesday
    case = flow.phone_case(
        content="鼓楼区温泉路人行道被占用摆摊，行人只能走机动车道。",
        requester=RequesterDetails(name="陈先生", phone="13600000001"),
    )
    assert due(case, "dispatch") == at("2026-10-01 00:00")

    clock("2026-09-30 10:00")
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit(GULOU)))
    part = case.parts.get()
    assert due(part, "dispatch") == at("2026-10-09 00:00")  # holiday not counted

    clock("2026-10-08 09:00")  # first working day after the holiday
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=part, plan=PartPlan(sole=unit("鼓楼区市场监督管理局"))
    )
    first = part.assignments.get()
    assert due(first, "read") == at("2026-10-11 00:00")  # Fri 10-09, make-up Sat 10-10
    assert due(first, "reply") == at("2026-10-22 00:00")  # Sat 10-10 is a working day

    clock("2026-10-09 15:00")
    actions.return_assignment(
        actor=staff("鼓楼区市场监督管理局", "handler"),
        assignment=first,
        reason="占道经营属城管执法",
        suggested_unit=unit("鼓楼区城市管理局"),
    )
    clock("2026-10-10 09:00")  # the make-up Saturday
    actions.decide_return(actor=flow.gulou_bureau, assignment=first, withdraw=True)
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=part, plan=PartPlan(sole=unit("鼓楼区城市管理局"))
    )
    second = part.assignments.get(state="received")
    assert due(second, "reply") == at("2026-10-24 00:00")  # fresh clocks (D3)

    clock("2026-10-12 10:00")
    flow.handle(second, reply="已清理占道摊点。")
    clock("2026-10-13 10:00")
    flow.review(part, approve=False, reasons="未说明长效管理措施")
    assert due(second, "redo") == at("2026-10-17 00:00")  # 3 working days
    clock("2026-10-15 10:00")
    flow.reply(second, "已清理占道摊点，并安排每日巡查。", measures="纳入网格化巡查")
    clock("2026-10-16 10:00")
    flow.review(part, reviewer=flow.gulou_bureau)
    flow.close(case)
    case.refresh_from_db()
    assert case.state == "closed" and case.published and not case.flag_overdue
    assert "陈先生" not in str(public_record(case))

    clock("2026-10-18 20:00")
    actions.rate_case(case=case, satisfaction="satisfied", comment="处理及时")
    clock("2026-10-30 00:00")
    breach_due_clocks()
    assert not case.clocks.filter(breached_at__isnull=False).exists()
    assert list(case.events.values_list("action", flat=True)) == [
        "register",
        "forward",
        "accept",
        "classify",
        "pass_to_district",
        "dispatch",
        "return",
        "decide_return",
        "dispatch",
        "read",
        "instruct",
        "draft_reply",
        "approve_reply",
        "review",
        "draft_reply",
        "approve_reply",
        "review",
        "close",
        "rate",
    ]


def test_internal_case_is_handled_and_answered_but_never_published(flow, clock):
    """R6 R9 D8: an internal case about an official's conduct."""
    clock("2026-09-30 11:00")
    case = flow.web_case(content="某街道办工作人员上班时间长期不在岗。", disclosure_allowed=False)
    flow.accept(case, mode="internal", reason=2)
    flow.dispatch(case, PartPlan(sole=unit("福州市效能办")))
    assert case.messages.get(kind="internal_handling").text == (
        "您所反映的问题已转由福州市效能办内部办理"
    )
    assignment = case.assignments.get()
    assert due(assignment, "reply") == at("2026-10-21 00:00")  # 10th: Tue 10-20
    clock("2026-10-14 09:00")
    flow.handle(assignment, reply="已约谈相关人员并通报批评。")
    flow.review(assignment.part)
    flow.close(case)
    case.refresh_from_db()
    assert case.messages.filter(kind="result").exists() and not case.published
    with pytest.raises(LookupError):
        public_record(case)


def test_split_case_with_a_lead_and_co_handlers(flow, clock):
    """R8.6 R8.7 D6: two matters; the first to a lead with co-handlers."""
    clock("2026-09-28 09:00")  # Monday
    case = flow.phone_case(content="一、内河水体发黑发臭；二、河边违章搭建。")
    flow.accept(case)
    flow.dispatch(
        case,
        PartPlan(
            description="内河水质",
            lead=unit("福州市水利局"),
            co=(unit("福州市生态环境局"), unit("福州市城市管理委员会")),
        ),
        PartPlan(description="违章搭建", district_bureau=unit(GULOU)),
    )
    water, building = case.parts.order_by("number")
    lead = water.assignments.get(role="lead")
    assert due(lead, "reply") == at("2026-10-17 00:00")  # 10th: Fri 10-16
    for co in water.assignments.filter(role="co"):
        assert due(co, "read") == due(lead, "read")
        assert due(co, "contribution") == at("2026-10-14 00:00")  # Tue 10-13: 3 before 10-16

    clock("2026-09-30 09:00")
    for co in water.assignments.filter(role="co"):
        name = co.unit.name
        actions.read_assignment(actor=staff(name, "handler"), assignment=co)
        actions.instruct_assignment(actor=staff(name, "leader"), assignment=co, instruction="配合")
    clock("2026-10-09 09:00")
    for co in water.assignments.filter(role="co"):
        actions.contribute(actor=staff(co.unit.name, "handler"), assignment=co, text="已完成监测。")
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=building, plan=PartPlan(sole=unit("鼓楼区城市管理局"))
    )
    clock("2026-10-12 09:00")
    flow.handle(lead, reply="已完成清淤，水质好转。")
    flow.handle(building.assignments.get(), reply="违章搭建已拆除。")
    flow.review(water)
    case.refresh_from_db()
    assert case.state == "reviewing"
    flow.review(building, reviewer=flow.gulou_bureau)
    flow.close(case)
    case.refresh_from_db()
    assert "清淤" in case.result and "拆除" in case.result
    assert set(case.assignments.values_list("state", flat=True)) == {"done"}
    clock("2026-11-30 00:00")
    assert breach_due_clocks().breached == 0


def test_district_request_to_take_back_lapses_over_the_holiday(flow, clock):
    """R8.3b D4: asked on 09-30, unanswered until the end of 10-08."""
    clock("2026-09-29 10:00")
    case = flow.web_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit(GULOU)))
    part = case.parts.get()
    clock("2026-09-30 17:00")
    actions.request_take_back(actor=flow.gulou_bureau, part=part, reason="事发地属台江区")
    assert due(part, "return_decision") == at("2026-10-09 00:00")
    clock("2026-10-05 12:00")  # during the holiday nothing lapses
    assert breach_due_clocks().lapsed_requests == 0
    clock("2026-10-09 00:01")
    assert breach_due_clocks().lapsed_requests == 1
    part.refresh_from_db()
    assert part.state == "awaiting_dispatch" and part.holder_bureau.name == GULOU
    assert due(part, "dispatch") == at("2026-10-11 00:00")  # Fri 10-09 not counted; Sat 10-10
    clock("2026-10-12 09:00")
    breach_due_clocks()  # the district missed its restarted clock too
    assert part.clocks.filter(kind="dispatch", breached_at__isnull=False).count() == 1
    assert Violation.objects.count() == 0  # dispatch delays are not unit violations
