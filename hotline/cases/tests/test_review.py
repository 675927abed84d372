"""Review, redo, final review and publication decisions (R8.4, D3, D5, R9)."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.models import Violation
from hotline.cases.tests.conftest import at, staff, unit
from hotline.notifications.models import Message

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


@pytest.fixture
def submitted(flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    flow.handle(assignment)
    return assignment


def test_review_within_two_working_days_R8_4a(submitted):
    review = submitted.part.clocks.get(kind="review")
    assert review.due_at == at("2026-12-01 00:00")  # Fri 11-27, Mon 11-30


def test_sent_back_reply_gets_a_three_day_redo_clock_from_then_R8_4a_D3(flow, clock, submitted):
    clock("2026-11-27 11:00")
    with pytest.raises(InvalidInput):  # the reasons are required
        flow.review(submitted.part, approve=False)
    flow.review(submitted.part, approve=False, reasons="未说明整改期限")
    submitted.refresh_from_db()
    assert submitted.state == "redo"
    redo = submitted.clocks.get(kind="redo")
    assert (redo.started_at, redo.due_at) == (at("2026-11-27 11:00"), at("2026-12-03 00:00"))
    flow.reply(submitted, "整改期限为12月10日前。")
    redo.refresh_from_db()
    assert redo.met_at == at("2026-11-27 11:00")


def test_a_redo_that_falls_short_again_is_overdue_handling_R8_4a_D5(flow, clock, submitted):
    flow.review(submitted.part, approve=False, reasons="不完整")
    flow.reply(submitted, "补充说明一")
    flow.review(submitted.part, approve=False, reasons="仍不完整")
    case = submitted.case
    case.refresh_from_db()
    assert case.flag_overdue
    violation = Violation.objects.get(case=case)
    assert (violation.kind, violation.unit.name) == ("overdue", CGW)
    assert violation.person.username == "city_handler"  # who read it


def test_a_breached_redo_clock_is_overdue_handling_D5(flow, clock, submitted):
    flow.review(submitted.part, approve=False, reasons="不完整")
    clock("2026-12-03 00:01")
    breach_due_clocks()
    case = submitted.case
    case.refresh_from_db()
    assert case.flag_overdue
    assert Violation.objects.get(case=case).kind == "overdue"


def test_only_the_bureau_of_the_units_level_reviews_R8_4a(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    part = case.parts.get()
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=part, plan=PartPlan(sole=unit("鼓楼区城市管理局"))
    )
    flow.handle(part.assignments.get())
    assert part.clocks.get(kind="review").unit.name == "鼓楼区信访局"
    with pytest.raises(NotAllowed):
        flow.review(part, reviewer=flow.city_reviewer)
    flow.review(part, reviewer=flow.gulou_bureau)


def test_major_cases_go_straight_to_the_city_bureau_for_final_review_R8_4b(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case, city_final_review=True)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    part = case.parts.get()
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=part, plan=PartPlan(sole=unit("鼓楼区城市管理局"))
    )
    flow.handle(part.assignments.get())
    assert part.clocks.get(kind="review").unit.name == "福州市信访局"
    with pytest.raises(NotAllowed):
        flow.review(part, reviewer=flow.gulou_bureau)
    flow.review(part, reviewer=flow.city_reviewer)


def test_no_result_reaches_the_requester_before_approval_R9(flow, clock, submitted):
    case = submitted.case
    with pytest.raises(WrongState):
        flow.close(case)
    assert not case.messages.filter(kind=Message.Kind.RESULT).exists()
    flow.review(submitted.part)
    flow.close(case)
    message = case.messages.get(kind=Message.Kind.RESULT)
    assert "已责令施工单位停止夜间施工" in message.text and message.channel == "callback"


@pytest.mark.parametrize(
    ("recommend", "agree", "published"),
    [
        (False, False, True),  # a public case is published
        (True, True, False),  # R9(2): unit recommends, bureau agrees → not published
        (True, False, True),  # the bureau disagrees → published
    ],
)
def test_publication_follows_the_units_recommendation_and_the_review_R9(
    flow, clock, recommend, agree, published
):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    assignment = flow.to(case, CGW)
    reason = "涉及第三方商业信息" if recommend else ""
    flow.handle(assignment, recommend_nonpublication=recommend, nonpublication_reason=reason)
    flow.review(assignment.part, agree_nonpublication=agree)
    flow.close(case)
    case.refresh_from_db()
    assert case.published is published
    assert case.messages.filter(kind="result").exists()  # sent either way


def test_not_publishing_needs_a_reason_R9(flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    with pytest.raises(InvalidInput):
        flow.handle(assignment, recommend_nonpublication=True)


def test_internal_cases_are_sent_but_never_published_R9(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case, mode="internal", reason=3)
    flow.dispatch(case, PartPlan(sole=unit(CGW)))
    assignment = case.assignments.get()
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(case)
    case.refresh_from_db()
    assert not case.published and case.messages.filter(kind="result").exists()


@pytest.mark.parametrize(
    ("channel", "sent_by"), [("fax", "fax"), ("sms", "sms"), ("phone", "callback")]
)
def test_the_result_goes_back_through_the_original_channel_R9(flow, clock, channel, sent_by):
    clock("2026-11-26 10:00")
    case = flow.phone_case(channel=channel)
    assignment = flow.to(case, CGW)
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(case)
    assert case.messages.get(kind="result").channel == sent_by


def test_a_reviewer_of_another_bureau_cannot_approve(flow, submitted):
    with pytest.raises(NotAllowed):
        flow.review(submitted.part, reviewer=staff("台江区信访局", "reviewer"))
