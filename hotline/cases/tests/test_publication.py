"""What the public sees, and the requester's rating (D8, D9, R9)."""

import io

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan, RequesterDetails
from hotline.cases.errors import InvalidInput, WrongState
from hotline.cases.publication import mask, public_record, published_cases
from hotline.cases.tests.conftest import unit

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


def closed_case(flow, clock, content, mode="public", requester=None):
    clock("2026-11-26 10:00")
    case = flow.phone_case(
        content=content,
        requester=requester
        or RequesterDetails(
            name="王小明",
            phone="13805912345",
            id_number="350102199001011234",
            address="鼓楼区某路1号",
        ),
    )
    flow.accept(case, mode=mode, reason=3 if mode == "internal" else None)
    flow.dispatch(case, PartPlan(sole=unit(CGW)))
    assignment = case.assignments.get()
    flow.handle(assignment, reply="已联系王小明（13805912345）核实并处理。")
    flow.review(assignment.part)
    return flow.close(case)


def test_published_cases_hide_the_requester_D8(flow, clock):
    case = closed_case(
        flow,
        clock,
        "我叫王小明，电话13805912345，身份证350102199001011234，住鼓楼区某路1号，楼下噪音。",
    )
    record = public_record(case)
    text = " ".join(str(v) for v in record.__dict__.values())
    for secret in ("王小明", "13805912345", "350102199001011234"):
        assert secret not in text
    assert record.content == "我叫王**，电话[已隐去]，身份证[已隐去]，住[已隐去]，楼下噪音。"
    assert "王**" in record.result
    assert record.units == (CGW,)


def test_internal_cases_never_appear_on_public_pages_D8(flow, clock):
    case = closed_case(flow, clock, "反映某科长工作作风问题。", mode="internal")
    assert not published_cases().filter(pk=case.pk).exists()
    with pytest.raises(LookupError):
        public_record(case)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13912345678。", "电话139****5678。"),
        ("座机0591-87654321", "座机0591-****4321"),
        ("证件号35010219900101123X", "证件号350102********123X"),
        ("编号FZ2026112600001", "编号FZ2026112600001"),  # case numbers stay
    ],
)
def test_personal_numbers_in_free_text_are_masked_D8(text, masked):
    assert mask(text) == masked


def test_the_requester_rates_once_after_the_result_D9(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    with pytest.raises(WrongState):  # not before the result is sent
        actions.rate_case(case=case, satisfaction="satisfied")
    case = closed_case(flow, clock, "路灯不亮。")
    with pytest.raises(InvalidInput):
        actions.rate_case(case=case, satisfaction="great")
    actions.rate_case(case=case, satisfaction="basically_satisfied", comment="还算及时")
    with pytest.raises(WrongState):
        actions.rate_case(case=case, satisfaction="satisfied")
    case.refresh_from_db()
    assert (case.satisfaction, case.rating_comment) == ("basically_satisfied", "还算及时")


def test_a_dissatisfied_rating_lets_the_bureau_open_a_redo_D9(flow, clock):
    case = closed_case(flow, clock, "路灯不亮。")
    with pytest.raises(WrongState):  # not without a dissatisfied rating
        actions.reopen_for_redo(actor=flow.city_reviewer, case=case, reasons="x")
    actions.rate_case(case=case, satisfaction="dissatisfied", comment="路灯还是不亮")
    clock("2026-12-07 10:00")
    actions.reopen_for_redo(actor=flow.city_reviewer, case=case, reasons="请现场复查")
    case.refresh_from_db()
    assignment = case.assignments.get()
    assert (case.state, assignment.state, case.published) == ("handling", "redo", False)
    assert assignment.clocks.filter(kind="redo", met_at__isnull=True).count() == 1
    flow.reply(assignment, "已更换灯具。")
    flow.review(assignment.part)
    flow.close(case)
    case.refresh_from_db()
    assert case.state == "closed" and case.published and "已更换灯具" in case.result


def test_the_search_index_of_earlier_cases_is_masked_again_D8(flow, clock):
    """D8: cases indexed by an older, weaker mask are re-masked by
    `manage.py remask_search_index`, so public search no longer finds them
    by the requester's phone written with spaces."""
    from django.core.management import call_command

    from hotline.cases.models import Case
    from hotline.cases.search import search

    case = closed_case(flow, clock, "我叫王小明，电话138 0591 2345，楼下噪音。")
    Case.objects.filter(pk=case.pk).update(search_text="我 叫 王小明 电话 138 0591 2345 楼下 噪音")
    assert search(published_cases(), "138 0591 2345").exists()
    call_command("remask_search_index", stdout=io.StringIO())
    assert not search(published_cases(), "138 0591 2345").exists()
    assert not search(published_cases(), "王小明").exists()
    assert search(published_cases(), "噪音").exists()
