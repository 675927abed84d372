"""In the unit: read, instruct, reply, return (R8.1, R8.2, R8.3a, D3)."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.models import Clock
from hotline.cases.tests.conftest import at, staff, unit

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


@pytest.fixture
def assignment(flow, clock):
    clock("2026-11-26 10:00")  # Thursday
    return flow.to(flow.phone_case(), CGW)


def test_the_handler_reads_and_submits_to_the_leader_R8_1(assignment, clock, person):
    clock("2026-11-27 09:00")
    actions.read_assignment(actor=person("city_handler"), assignment=assignment)
    assignment.refresh_from_db()
    assert (assignment.state, assignment.read_by.username) == ("read", "city_handler")
    read = assignment.clocks.get(kind=Clock.Kind.READ)
    assert read.met_at == at("2026-11-27 09:00") and read.due_at == at("2026-12-01 00:00")
    actions.instruct_assignment(
        actor=person("city_leader"), assignment=assignment, instruction="请执法大队核查"
    )
    assignment.refresh_from_db()
    assert (assignment.state, assignment.instruction) == ("instructed", "请执法大队核查")


@pytest.mark.parametrize("who", ["city_leader", "gulou_handler", "city_dispatcher"])
def test_only_the_units_handler_reads_R8_1(assignment, person, who):
    with pytest.raises(NotAllowed):
        actions.read_assignment(actor=person(who), assignment=assignment)


def test_the_leader_instructs_after_reading_R8_1(assignment, person):
    with pytest.raises(WrongState):
        actions.instruct_assignment(
            actor=person("city_leader"), assignment=assignment, instruction="办理"
        )


def test_a_reply_leaves_the_unit_only_with_the_leaders_approval_R8_2(assignment, person, flow):
    actions.read_assignment(actor=person("city_handler"), assignment=assignment)
    actions.instruct_assignment(
        actor=person("city_leader"), assignment=assignment, instruction="办理"
    )
    actions.draft_reply(
        actor=person("city_handler"),
        assignment=assignment,
        content="已核查并责令整改。",
        remaining_problems="施工期尚有一个月。",
        measures="每日夜间巡查。",
    )
    part = assignment.part
    part.refresh_from_db()
    assert part.state == "handling"  # nothing for the bureau to review yet
    with pytest.raises(WrongState):
        flow.review(part, reviewer=flow.city_reviewer)
    with pytest.raises(NotAllowed):  # a handler cannot approve their own reply
        actions.approve_reply(actor=person("city_handler"), assignment=assignment)
    actions.send_back_draft(actor=person("city_leader"), assignment=assignment, note="补充整改期限")
    assignment.refresh_from_db()
    assert assignment.state == "instructed"
    reply = flow.reply(assignment, "已责令整改，期限一周。")
    assert reply.approved_by.username == "city_leader"
    part.refresh_from_db()
    assert part.state == "reviewing"
    assert assignment.clocks.get(kind="reply").met_at is not None
    review = part.clocks.get(kind="review")
    assert review.unit.name == "福州市信访局"


def test_the_reply_period_includes_reading_R8_2(assignment):
    reply = assignment.clocks.get(kind="reply")
    assert reply.started_at == at("2026-11-26 10:00")
    assert reply.due_at == at("2026-12-11 00:00")  # 10 working days: Thu 12-10


def test_a_unit_returns_within_two_working_days_with_reason_and_suggestion_R8_3a(
    assignment, clock, person
):
    clock("2026-11-30 23:59")  # 2nd working day after Thu 11-26 is Mon 11-30
    actions.return_assignment(
        actor=person("city_handler"),
        assignment=assignment,
        reason="属于市场监管职责",
        suggested_unit=unit("福州市市场监督管理局"),
    )
    assignment.refresh_from_db()
    assert assignment.state == "return_requested"
    request = assignment.return_requests.get()
    assert (request.reason, request.suggested_unit.name) == (
        "属于市场监管职责",
        "福州市市场监督管理局",
    )


def test_too_late_to_return_R8_3a(assignment, clock, person):
    clock("2026-12-01 00:00")
    with pytest.raises(WrongState, match="退回此诉求件的期限已过"):
        actions.return_assignment(
            actor=person("city_handler"), assignment=assignment, reason="不属于本单位职责"
        )


def test_a_return_needs_a_reason_R8_3a(assignment, person):
    with pytest.raises(InvalidInput):
        actions.return_assignment(actor=person("city_handler"), assignment=assignment, reason=" ")


def test_withdrawn_case_goes_to_the_next_unit_with_fresh_clocks_R8_3a_D3(
    assignment, clock, flow, person
):
    """R8.3a: the bureau withdraws and dispatches again; D3: the next unit's
    clocks start afresh, the first unit's stop."""
    clock("2026-11-27 10:00")
    actions.return_assignment(
        actor=person("city_handler"), assignment=assignment, reason="非本单位"
    )
    clock("2026-11-27 11:00")
    actions.decide_return(actor=flow.city_dispatcher, assignment=assignment, withdraw=True)
    assignment.refresh_from_db()
    assert assignment.state == "withdrawn"
    assert not assignment.clocks.filter(cancelled_at__isnull=True, met_at__isnull=True).exists()
    part = assignment.part
    part.refresh_from_db()
    assert part.state == "awaiting_dispatch"
    redispatch = part.clocks.get(kind="dispatch")
    assert redispatch.due_at == at("2026-12-01 00:00")  # 1 working day from Fri: Mon 11-30
    clock("2026-11-30 09:00")
    actions.dispatch_part(
        actor=flow.city_dispatcher, part=part, plan=PartPlan(sole=unit("福州市市场监督管理局"))
    )
    new = part.assignments.get(state="received")
    assert new.clocks.get(kind="reply").started_at == at("2026-11-30 09:00")
    assert new.clocks.get(kind="reply").due_at == at("2026-12-15 00:00")  # Mon 12-14


def test_a_rejected_return_keeps_the_clocks_and_cannot_be_repeated_R8_3a_D3(
    assignment, clock, flow, person
):
    before = list(assignment.clocks.values_list("kind", "started_at", "due_at"))
    clock("2026-11-27 10:00")
    actions.read_assignment(actor=person("city_handler"), assignment=assignment)
    actions.return_assignment(
        actor=person("city_handler"), assignment=assignment, reason="非本单位"
    )
    with pytest.raises(InvalidInput):  # a rejection must say why
        actions.decide_return(actor=flow.city_dispatcher, assignment=assignment, withdraw=False)
    actions.decide_return(
        actor=flow.city_dispatcher, assignment=assignment, withdraw=False, note="属于城管职责"
    )
    assignment.refresh_from_db()
    assert assignment.state == "read" and assignment.return_rejected
    units_clocks = assignment.clocks.exclude(kind="objection_decision")  # the bureau's (N6)
    assert list(units_clocks.values_list("kind", "started_at", "due_at")) == before
    with pytest.raises(WrongState):
        actions.return_assignment(
            actor=person("city_handler"), assignment=assignment, reason="再次退回"
        )


def test_only_the_dispatching_bureau_decides_a_return_R8_3a(assignment, flow, person):
    actions.return_assignment(
        actor=person("city_handler"), assignment=assignment, reason="非本单位"
    )
    with pytest.raises(NotAllowed):
        actions.decide_return(actor=flow.gulou_bureau, assignment=assignment, withdraw=True)


def test_withdrawing_the_lead_withdraws_the_whole_part_R8_3a_R8_6(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(lead=unit(CGW), co=(unit("福州市公安局"),)))
    lead = case.assignments.get(role="lead")
    actions.return_assignment(actor=staff(CGW, "handler"), assignment=lead, reason="非本单位")
    actions.decide_return(actor=flow.city_dispatcher, assignment=lead, withdraw=True)
    assert set(case.assignments.values_list("state", flat=True)) == {"withdrawn"}


def test_every_action_appends_to_the_timeline(assignment, person):
    actions.read_assignment(actor=person("city_handler"), assignment=assignment)
    events = list(assignment.case.events.values_list("action", flat=True))
    assert events == ["register", "forward", "accept", "classify", "dispatch", "read"]
    event = assignment.case.events.last()
    assert (event.actor.username, event.actor_unit.name) == ("city_handler", CGW)
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
