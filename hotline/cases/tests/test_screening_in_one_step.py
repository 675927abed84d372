"""Issue 15: the city bureau screens a case in one step; the dispatch
instruction; the deadlines shown before sending; the refusal's message."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.actions.common import REFERENCES
from hotline.cases.errors import InvalidInput, WrongState
from hotline.cases.models import Clock, RefusalReason
from hotline.cases.tests.conftest import at, unit
from hotline.cases.tests.test_statement_budgets import BUDGETS
from hotline.notifications.models import Message
from hotline.workbench.case_actions import offers

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


def test_screening_accepts_classifies_and_dispatches_each_with_its_event_and_clock_R4_R7(
    flow, clock
):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    clock("2026-11-26 11:00")
    actions.screen_case(
        actor=flow.city_dispatcher,
        case=case,
        mode="public",
        parts=[PartPlan(sole=unit(CGW), instruction="请今日派员核查。")],
        expected_version=case.version,
    )
    case.refresh_from_db()
    assert case.state == "handling" and case.handling_mode == "public"
    assert list(case.events.values_list("action", flat=True))[-3:] == [
        "accept",
        "classify",
        "dispatch",
    ]
    dispatch_clock = case.clocks.get(kind=Clock.Kind.DISPATCH)
    assert dispatch_clock.met_at == at("2026-11-26 11:00")
    assignment = case.assignments.get()
    assert assignment.unit.name == CGW
    assert {c.kind for c in assignment.clocks.all()} == {Clock.Kind.READ, Clock.Kind.REPLY}


def test_the_dispatch_instruction_is_kept_for_the_receiving_unit(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(sole=unit(CGW), instruction="  请会同街道处理。 "))
    assert case.assignments.get().dispatch_instruction == "请会同街道处理。"
    assert case.events.get(action="dispatch").details["instruction"] == "请会同街道处理。"


def test_a_refused_dispatch_undoes_the_acceptance_and_the_classification_R6(flow, clock):
    """R6(1): an internal case about an official goes to the discipline
    commission; sending it elsewhere is refused, and nothing stays."""
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    version = case.version
    with pytest.raises(InvalidInput):
        actions.screen_case(
            actor=flow.city_dispatcher,
            case=case,
            mode="internal",
            reason=1,
            parts=[PartPlan(sole=unit(CGW))],
            expected_version=version,
        )
    case.refresh_from_db()
    assert (case.state, case.handling_mode, case.version) == ("screening", "undecided", version)
    assert not case.parts.exists()
    assert not case.events.filter(action__in=("accept", "classify")).exists()
    assert case.clocks.get(kind=Clock.Kind.DISPATCH).met_at is None


def test_screening_costs_no_more_than_its_three_verbs(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    department = unit(CGW)
    flow.city_dispatcher.grants()
    for reference in REFERENCES.references:
        reference.get()
    with CaptureQueriesContext(connection) as captured:
        actions.screen_case(
            actor=flow.city_dispatcher, case=case, mode="public", parts=[PartPlan(sole=department)]
        )
    spent = sum(
        not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
        for q in captured.captured_queries
    )
    assert spent <= BUDGETS["accept"] + BUDGETS["classify"] + BUDGETS["dispatch"], spent


def test_dispatch_is_not_offered_before_the_case_is_classified_R4(flow, clock):
    """Issue 15: dispatch was offered before classify and failed once filled."""
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    case = actions.accept_case(actor=flow.city_dispatcher, case=case)
    bureau = unit("福州市信访局")
    offered = [o.spec.action for o in offers(case, bureau, "dispatcher")]
    assert "classify" in offered and "dispatch" not in offered
    with pytest.raises(WrongState):
        flow.dispatch(case, PartPlan(sole=unit(CGW)))
    case = actions.classify_case(actor=flow.city_dispatcher, case=case, mode="public")
    assert "dispatch" in [o.spec.action for o in offers(case, bureau, "dispatcher")]


def test_the_deadlines_shown_are_the_ones_the_unit_gets_R7_R8_1_R8_2(flow, clock):
    clock("2026-11-26 10:00")  # a Thursday
    case = flow.phone_case()
    flow.accept(case)
    shown = actions.dispatch_deadlines(case, at("2026-11-26 10:00"))
    flow.dispatch(case, PartPlan(sole=unit(CGW)))
    clocks = {c.kind: c for c in case.assignments.get().clocks.all()}
    policy = case.policy
    read, objection, reply = shown["unit"]
    assert (read.days, read.due) == (policy.read_days, clocks[Clock.Kind.READ].due_at)
    assert (reply.days, reply.due) == (policy.reply_days, clocks[Clock.Kind.REPLY].due_at)
    assert objection.days == policy.unit_return_days
    # Two working days from a Thursday: Friday and Monday, to Monday's end.
    assert read.due == at("2026-12-01 00:00")
    dispatch_on, take_back = shown["district_bureau"]
    assert (dispatch_on.days, take_back.days) == (
        policy.dispatch_days,
        policy.district_return_days,
    )


@pytest.mark.parametrize("reason", RefusalReason.values)
def test_a_refusal_message_ends_in_one_full_stop_and_is_the_one_previewed_R3(flow, clock, reason):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    preview = actions.refusal_message(case, reason)
    actions.refuse_case(actor=flow.city_dispatcher, case=case, reason=reason)
    text = case.messages.get(kind=Message.Kind.REFUSAL).text
    assert text == preview
    assert text.endswith("。") and "。。" not in text


def test_an_emergency_refusal_gives_the_emergency_numbers_once_R3(flow, clock):
    """R3(8): told to call an emergency line at once, the numbers once."""
    clock("2026-11-26 10:00")
    case = flow.phone_case(content="楼下有人打架，情况紧急！")
    actions.refuse_case(actor=flow.city_dispatcher, case=case, reason=RefusalReason.EMERGENCY)
    text = case.messages.get(kind=Message.Kind.REFUSAL).text
    assert text.count("110") == 1 and text.count("122") == 1 and "立即" in text
