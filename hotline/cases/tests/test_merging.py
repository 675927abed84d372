"""Merging (N4): cases about one matter follow a lead case; every refusal
and the undo, as the city bureau's dispatcher meets them."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan, RequesterDetails
from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.models import Case, Clock
from hotline.cases.repeats import merge_candidates
from hotline.cases.tests.conftest import unit
from hotline.notifications.models import Message

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"
PLACE = "鼓楼区五四路"


def caller(i: int) -> RequesterDetails:
    return RequesterDetails(name=f"市民{i}", phone=f"1380591{i:04d}")


def burst(flow, i: int, content="五四路水管爆裂，路面大量积水。", **kw) -> Case:
    return flow.phone_case(content, requester=caller(i), location=PLACE, **kw)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def merge(flow, lead, *cases, **kw):
    return actions.merge_cases(actor=flow.city_dispatcher, lead=lead, cases=list(cases), **kw)


def test_merged_cases_follow_the_lead_and_stop_their_clocks_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2, "五四路自来水管破了，水漫到马路上")
    merge(flow, lead, other)
    other = fresh(other)
    assert other.state == "merged" and other.merged_into == lead
    assert other.merged_by == flow.city_dispatcher
    assert not Clock.objects.filter(case=other, cancelled_at__isnull=True, met_at__isnull=True)
    assert other.events.filter(action="merge", details__into=lead.number).exists()
    assert lead.events.filter(action="merged_in", details__cases=[other.number]).exists()


def test_the_lead_is_dispatched_handled_and_replied_once_for_all_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2)
    merge(flow, lead, other)
    assignment = flow.to(lead, CGW)
    clock("2026-11-27 10:00")
    flow.handle(assignment, reply="已抢修水管，恢复供水。")
    flow.review(assignment.part)
    flow.close(lead)
    other = fresh(other)
    assert other.state == "closed" and other.result == fresh(lead).result
    assert not other.assignments.exists() and not other.parts.exists()
    results = Message.objects.filter(kind=Message.Kind.RESULT)
    assert sorted(results.values_list("case__number", flat=True)) == sorted(
        [lead.number, other.number]
    )
    actions.rate_case(case=other, satisfaction="satisfied", comment="修得快")
    assert fresh(other).satisfaction == "satisfied" and fresh(lead).satisfaction == ""


def test_a_redo_of_the_lead_takes_the_merged_results_back_and_sends_the_new_one_N4_D9(flow, clock):
    """The lead's requester is dissatisfied and the bureau reopens it: the
    cases merged into it follow it again (unpublished, their ratings of the
    old result cleared), and the new result closes them and reaches each of
    their requesters, who rate it on their own."""
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2)
    merge(flow, lead, other)
    assignment = flow.to(lead, CGW)
    clock("2026-11-27 10:00")
    flow.handle(assignment, reply="已抢修水管。")
    flow.review(assignment.part)
    flow.close(lead)
    actions.rate_case(case=fresh(other), satisfaction="satisfied")
    actions.rate_case(case=fresh(lead), satisfaction="dissatisfied", comment="还在漏水")
    actions.reopen_for_redo(actor=flow.city_reviewer, case=fresh(lead), reasons="仍漏水")
    other = fresh(other)
    assert (other.state, other.published, other.satisfaction) == ("merged", False, "")
    assert other.events.filter(action="reopen", details__lead=lead.number).exists()

    flow.reply(assignment, "已更换整段水管，不再漏水。")
    flow.review(assignment.part)
    flow.close(fresh(lead))
    other = fresh(other)
    assert other.state == "closed" and "更换整段水管" in other.result
    told = Message.objects.filter(case=other, kind=Message.Kind.RESULT).order_by("id")
    assert told.count() == 2 and "更换整段水管" in told.last().text
    actions.rate_case(case=other, satisfaction="satisfied")


def test_a_merged_case_is_published_only_if_its_requester_allowed_it_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, willing = burst(flow, 1), burst(flow, 2)
    merge(flow, lead, willing)
    assignment = flow.to(lead, CGW)
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(lead)
    assert fresh(lead).published and fresh(willing).published


def test_undo_before_dispatch_puts_the_case_back_on_its_own_clock_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2)
    merge(flow, lead, other)
    clock("2026-11-26 11:00")
    actions.unmerge_case(actor=flow.city_dispatcher, case=other)
    other = fresh(other)
    assert other.state == "screening" and other.merged_into is None
    running = Clock.objects.get(case=other, kind="dispatch", cancelled_at__isnull=True)
    assert running.started_at.hour == 3  # 11:00 Fuzhou time, in UTC
    assert lead.events.filter(action="unmerged_out").exists()


def test_an_accepted_case_goes_back_to_dispatch_when_unmerged_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2)
    actions.accept_case(actor=flow.city_dispatcher, case=other)
    merge(flow, lead, other)
    actions.unmerge_case(actor=flow.city_dispatcher, case=other)
    assert fresh(other).state == "dispatching"


def test_no_undo_once_the_lead_is_dispatched_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2)
    merge(flow, lead, other)
    flow.to(lead, CGW)
    with pytest.raises(WrongState, match="主单已批转"):
        actions.unmerge_case(actor=flow.city_dispatcher, case=fresh(other))


def test_internal_and_public_handling_are_never_merged_N4(flow, clock):
    clock("2026-11-26 10:00")
    public = burst(flow, 1)
    flow.accept(public)
    private = burst(flow, 2, disclosure_allowed=False)
    with pytest.raises(InvalidInput, match="不能并单"):
        merge(flow, public, private)
    assert fresh(private).state == "screening"
    assert private not in merge_candidates(fresh(public))


def test_a_finished_case_is_not_merged_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, refused = burst(flow, 1), burst(flow, 2)
    actions.refuse_case(actor=flow.city_dispatcher, case=refused, reason=9)
    with pytest.raises(WrongState, match="不能并单"):
        merge(flow, lead, fresh(refused))


def test_a_case_already_merged_is_not_merged_again_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other, third = burst(flow, 1), burst(flow, 2), burst(flow, 3)
    merge(flow, lead, other)
    with pytest.raises(WrongState, match="已并入"):
        merge(flow, third, fresh(other))


def test_a_case_is_not_merged_into_itself_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead = burst(flow, 1)
    with pytest.raises(InvalidInput, match="并入其自身"):
        merge(flow, lead, lead)


def test_nothing_is_merged_into_a_merged_case_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other, third = burst(flow, 1), burst(flow, 2), burst(flow, 3)
    merge(flow, lead, other)
    with pytest.raises(WrongState, match=f"请改为并入{lead.number}"):
        merge(flow, fresh(other), third)


def test_a_lead_already_dispatched_takes_no_merge_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2)
    flow.to(lead, CGW)
    with pytest.raises(WrongState, match="尚未批转"):
        merge(flow, fresh(lead), other)


def test_a_case_passed_to_a_district_bureau_is_not_merged_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2)
    flow.accept(other)
    flow.dispatch(other, PartPlan(district_bureau=unit("鼓楼区信访局")))
    with pytest.raises(WrongState):
        merge(flow, lead, fresh(other))


def test_only_the_city_bureaus_dispatcher_merges_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2)
    with pytest.raises(NotAllowed):
        actions.merge_cases(actor=flow.agent, lead=lead, cases=[other])


def test_a_lead_with_followers_is_not_merged_elsewhere_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other, third = burst(flow, 1), burst(flow, 2), burst(flow, 3)
    merge(flow, lead, other)
    with pytest.raises(WrongState, match="请先撤销这些并单"):
        merge(flow, third, fresh(lead))


def test_candidates_are_recent_open_cases_about_the_same_matter_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead = burst(flow, 1)
    same = burst(flow, 2, "五四路自来水管破了，水漫到马路上")
    elsewhere = flow.phone_case("仓山区路灯不亮", requester=caller(3), location="仓山区城门镇")
    clock("2026-11-29 10:00")
    late = burst(flow, 4)
    found = merge_candidates(fresh(lead))
    assert same in found
    assert elsewhere not in found and late not in found and lead not in found


def test_the_lead_is_not_classified_public_over_a_merged_internal_request_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, private = burst(flow, 1), burst(flow, 2, disclosure_allowed=False)
    merge(flow, lead, private)
    actions.accept_case(actor=flow.city_dispatcher, case=lead)
    with pytest.raises(InvalidInput, match="不能混合"):
        actions.classify_case(actor=flow.city_dispatcher, case=fresh(lead), mode="public")
    actions.classify_case(actor=flow.city_dispatcher, case=fresh(lead), mode="internal", reason=4)
    assert fresh(lead).handling_mode == "internal"


def test_a_lead_is_not_refused_over_the_cases_merged_into_it_N4(flow, clock):
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2)
    merge(flow, lead, other)
    with pytest.raises(WrongState, match="请先撤销这些并单"):
        actions.refuse_case(actor=flow.city_dispatcher, case=fresh(lead), reason=9)
    actions.unmerge_case(actor=flow.city_dispatcher, case=fresh(other))
    actions.refuse_case(actor=flow.city_dispatcher, case=fresh(lead), reason=9)
    assert fresh(lead).state == "refused"


def test_a_merged_case_is_not_reopened_on_its_own_without_handling_to_redo_N4(flow, clock):
    # A merged case has no parts of its own: reopening it alone left it
    # "handling" with nothing for any unit to handle, for ever.
    clock("2026-11-26 10:00")
    lead, other = burst(flow, 1), burst(flow, 2)
    merge(flow, lead, other)
    assignment = flow.to(lead, CGW)
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(lead)
    actions.rate_case(case=fresh(other), satisfaction="dissatisfied", comment="没修好")
    with pytest.raises(WrongState) as refused:
        actions.reopen_for_redo(actor=flow.city_reviewer, case=fresh(other), reasons="未解决")
    assert lead.number in refused.value.message
    assert fresh(other).state == "closed"
