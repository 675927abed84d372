"""Screening at the city bureau: refuse, accept, classify, decline (R3, R4, R6, R8.5, D7)."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan, RequesterDetails
from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.models import Clock, RefusalReason
from hotline.cases.repeats import find_likely_repeats, timely_reply_count
from hotline.cases.tests.conftest import at, staff, unit
from hotline.notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reason", RefusalReason.values)
def test_refusal_records_one_of_the_nine_reasons_and_tells_the_requester_R3(flow, clock, reason):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    clock("2026-11-26 11:00")
    actions.refuse_case(actor=flow.city_dispatcher, case=case, reason=reason)
    case.refresh_from_db()
    assert (case.state, case.refusal_reason) == ("refused", reason)
    message = case.messages.get(kind=Message.Kind.REFUSAL)
    assert message.channel == "callback" and "不予受理" in message.text
    assert case.clocks.get(kind=Clock.Kind.DISPATCH).met_at == at("2026-11-26 11:00")


def test_an_emergency_is_told_to_call_the_emergency_lines_R3(flow, clock):
    """R3(8): the requester is told to call 110, 122 or another emergency line."""
    clock("2026-11-26 10:00")
    case = flow.phone_case(content="楼下有人打架，情况紧急！")
    actions.refuse_case(actor=flow.city_dispatcher, case=case, reason=RefusalReason.EMERGENCY)
    text = case.messages.get(kind=Message.Kind.REFUSAL).text
    assert "110" in text and "122" in text and "立即" in text


def test_a_refusal_needs_one_of_the_nine_reasons_R3(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    with pytest.raises(InvalidInput):
        actions.refuse_case(actor=flow.city_dispatcher, case=case, reason=10)
    case.refresh_from_db()
    assert case.state == "screening"


@pytest.mark.parametrize("who", ["agent", "gulou_bureau", "city_reviewer", "city_handler"])
def test_only_the_city_bureau_dispatcher_screens_R4(flow, clock, person, who):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    with pytest.raises(NotAllowed):
        actions.accept_case(actor=person(who), case=case)


def test_dispatch_waits_for_classification_R4(flow, clock):
    """R4: the bureau classifies every case as internal or public handling."""
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    actions.accept_case(actor=flow.city_dispatcher, case=case)
    with pytest.raises(WrongState):
        flow.dispatch(case, PartPlan(sole=unit("福州市城市管理委员会")))


@pytest.mark.parametrize(
    ("reason", "good", "bad"),
    [
        # R6(1): violations by officials → the discipline commission of the level
        (1, "福州市纪委监委", "福州市城市管理委员会"),
        # R6(2): officials' efficiency → the efficiency office of the level
        (2, "福州市效能办", "福州市纪委监委"),
        # R6(3): the bureau's judgement → the competent unit
        (3, "福州市城市管理委员会", "福州市效能办"),
        # R6(4): the requester's choice → the competent unit
        (4, "福州市城市管理委员会", "福州市纪委监委"),
    ],
)
def test_internal_cases_go_to_the_unit_their_reason_names_R6(flow, clock, reason, good, bad):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case, mode="internal", reason=reason)
    with pytest.raises(InvalidInput):
        flow.dispatch(case, PartPlan(sole=unit(bad)))
    flow.dispatch(case, PartPlan(sole=unit(good)))
    notice = case.messages.get(kind=Message.Kind.INTERNAL_HANDLING)
    assert notice.text == f"您所反映的问题已转由{good}内部办理"


def test_internal_case_at_district_level_goes_to_the_district_commission_R6(flow, clock):
    """R6: "of the right level": the district bureau sends it to its own commission."""
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case, mode="internal", reason=1)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    assert not case.messages.filter(kind=Message.Kind.INTERNAL_HANDLING).exists()
    part = case.parts.get()
    with pytest.raises(InvalidInput):
        actions.dispatch_part(
            actor=flow.gulou_bureau, part=part, plan=PartPlan(sole=unit("鼓楼区教育局"))
        )
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=part, plan=PartPlan(sole=unit("鼓楼区纪委监委"))
    )
    assert "鼓楼区纪委监委内部办理" in case.messages.get(kind="internal_handling").text


def test_the_requesters_choice_not_to_publish_forces_internal_handling_R6(flow, clock):
    """R6(4): a requester who chose not to be public cannot be handled publicly."""
    clock("2026-11-26 10:00")
    case = flow.phone_case(disclosure_allowed=False)
    actions.accept_case(actor=flow.city_dispatcher, case=case)
    with pytest.raises(InvalidInput, match="须内部批转办理"):
        actions.classify_case(actor=flow.city_dispatcher, case=case, mode="public")
    actions.classify_case(actor=flow.city_dispatcher, case=case, mode="internal", reason=4)


def test_an_internal_case_needs_one_of_the_four_reasons_R6(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    actions.accept_case(actor=flow.city_dispatcher, case=case)
    with pytest.raises(InvalidInput):
        actions.classify_case(actor=flow.city_dispatcher, case=case, mode="internal", reason=5)


def test_classification_is_fixed_once_dispatched_R4_R6(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.to(case, "福州市城市管理委员会")
    with pytest.raises(WrongState):
        actions.classify_case(actor=flow.city_dispatcher, case=case, mode="internal", reason=3)


NOISE = "东街口工地夜间施工噪音扰民，严重影响休息，请尽快处理。"


def closed_repeat(flow, clock, day):
    clock(f"{day} 09:00")
    case = flow.phone_case(content=NOISE)
    assignment = flow.to(case, "福州市城市管理委员会")
    flow.handle(assignment)
    flow.review(assignment.part)
    return flow.close(case)


def test_likely_repeats_are_found_by_identity_and_similar_content_D7(flow, clock):
    clock("2026-11-02 09:00")
    same = flow.phone_case(content=NOISE)
    flow.phone_case(content="小区垃圾清运不及时，楼道堆满垃圾。")  # same person, other matter
    flow.phone_case(content=NOISE, requester=RequesterDetails(phone="13900000000"))  # other person
    by_id = flow.phone_case(
        content="东街口工地夜间施工噪音扰民，影响休息！",
        requester=RequesterDetails(phone="13700000000", id_number="350102199001011234"),
    )
    clock("2026-11-26 09:00")
    case = flow.phone_case(
        content="东街口工地又在夜间施工，噪音扰民，严重影响休息。",
        requester=RequesterDetails(phone="+86 138-0591-2345", id_number="350102199001011234"),
    )
    assert case.flag_repeat
    assert {c.pk for c in find_likely_repeats(case)} == {same.pk, by_id.pk}


def test_decline_needs_more_timely_replies_than_the_threshold_R8_5_D7(flow, clock):
    """R8.5: after more than three timely replies the city bureau may decline;
    D7: the decision records the count."""
    for day in ("2026-11-02", "2026-11-09", "2026-11-16"):
        closed_repeat(flow, clock, day)
    clock("2026-11-23 09:00")
    fourth = flow.phone_case(content=NOISE)
    assert timely_reply_count(fourth) == 3
    with pytest.raises(WrongState, match="方可不再批转"):
        actions.decline_repeat(actor=flow.city_dispatcher, case=fourth)
    assignment = flow.to(fourth, "福州市城市管理委员会")
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(fourth)

    clock("2026-11-26 09:00")
    fifth = flow.phone_case(content=NOISE)
    assert timely_reply_count(fifth) == 4
    actions.decline_repeat(actor=flow.city_dispatcher, case=fifth, note="已多次答复")
    fifth.refresh_from_db()
    assert (fifth.state, fifth.declined_timely_replies) == ("declined", 4)
    assert "4次" in fifth.messages.get(kind=Message.Kind.DECLINED).text
    event = fifth.events.get(action="decline_repeat")
    assert event.details["timely_replies"] == 4 and event.actor == flow.city_dispatcher


def test_late_replies_do_not_count_towards_declining_D7(flow, clock):
    clock("2026-11-02 09:00")
    case = flow.phone_case(content=NOISE)
    assignment = flow.to(case, "福州市城市管理委员会")
    clock("2026-11-30 09:00")  # the 10-working-day reply clock ran out on 11-16
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(case)
    clock("2026-12-01 09:00")
    assert timely_reply_count(flow.phone_case(content=NOISE)) == 0


def test_screening_is_by_the_city_bureau_only_even_for_district_staff_R4(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    with pytest.raises(NotAllowed):
        actions.refuse_case(actor=staff("鼓楼区信访局", "dispatcher"), case=case, reason=5)


def test_a_case_passed_to_a_district_is_not_dispatched_again_by_the_city_R4(flow, clock):
    """R4: once the city bureau passes the case to a district bureau, that
    bureau dispatches it; the city's dispatch is refused, nothing assigned."""
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    with pytest.raises(WrongState):
        flow.dispatch(case, PartPlan(sole=unit("福州市城市管理委员会")))
    assert not case.assignments.exists()
