"""What the dispatch catalogue suggests, and dispatching against it (N5)."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.errors import InvalidInput
from hotline.cases.models import Category
from hotline.cases.tests.conftest import unit
from hotline.catalogue.suggestions import suggest_from_catalogue

pytestmark = pytest.mark.django_db


def reasons(case, bureau=None):
    return [s.reason for s in suggest_from_catalogue(case, bureau)]


def test_the_category_alone_suggests_the_citys_unit_N5(flow, catalogue, clock):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="小区里垃圾无人清运。", category=Category.objects.get(code="CG"))
    assert reasons(case) == ["目录：城市管理（全市）→ 福州市城市管理委员会"]


def test_a_keyword_finds_the_sub_matter_before_the_category_N5(flow, catalogue, clock):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="楼下工地夜间施工，噪音扰民。")
    first, *rest = suggest_from_catalogue(case)
    assert first.reason == (
        "目录：夜间施工噪音（全市）→ 福州市城乡建设局（牵头），福州市生态环境局协办"
    )
    assert first.mode == "joint" and first.co_names == ("福州市生态环境局",)
    assert [s.reason for s in rest] == ["目录：城市管理（全市）→ 福州市城市管理委员会"]


def test_the_area_from_the_location_N5(flow, catalogue, clock):
    """N5: a district entry is offered to the city bureau as passing the
    case to that district's bureau; a street entry comes before it."""
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="有人在路边摆摊占道。", location="仓山区金山街道")
    first = suggest_from_catalogue(case)[0]
    assert first.mode == "district" and first.district_bureau_name == "仓山区信访局"
    assert first.reason == "目录：占道经营（仓山区）→ 仓山区城市管理局"
    street = flow.phone_case(content="有人在路边摆摊占道。", location="鼓楼区东街口")
    assert reasons(street)[0] == (
        "目录：占道经营（鼓楼区东街）→ 鼓楼区城市管理局（牵头），鼓楼区市场监督管理局协办"
    )
    # The district bureau is offered its own unit directly.
    gulou = suggest_from_catalogue(street, unit("鼓楼区信访局"))[0]
    assert gulou.mode == "joint" and gulou.unit_name == "鼓楼区城市管理局"


def test_a_keyword_across_categories_and_none_for_no_match_N5(flow, catalogue, clock):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="医保报销太慢。", category=Category.objects.get(code="QT"))
    assert reasons(case) == ["目录：医保报销（全市）→ 福州市医疗保障局"]
    other = flow.phone_case(content="建议多开公园。", category=Category.objects.get(code="QT"))
    assert reasons(other) == []


def test_no_catalogue_in_force_suggests_nothing_N5(flow, catalogue, clock):
    clock("2025-12-31 09:00")
    case = flow.phone_case(content="小区里垃圾无人清运。")
    assert reasons(case) == []


def test_dispatching_as_the_catalogue_says_records_it_N5(flow, catalogue, clock):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="小区里垃圾无人清运。")
    flow.accept(case)
    flow.dispatch(case, PartPlan(sole=unit("福州市城市管理委员会")))
    event = case.events.get(action="dispatch")
    assert event.details["catalogue"] == "目录：城市管理（全市）→ 福州市城市管理委员会"
    assert "against_catalogue" not in event.details


def test_dispatching_against_the_catalogue_needs_a_reason_N5(flow, catalogue, clock):
    """N5: refused in words without a reason; with one, the reason and what
    the catalogue said are recorded on the dispatch."""
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="小区里垃圾无人清运。")
    flow.accept(case)
    with pytest.raises(InvalidInput) as refused:
        flow.dispatch(case, PartPlan(sole=unit("福州市水利局")))
    assert refused.value.field == "against_catalogue"
    assert "福州市城市管理委员会" in refused.value.message
    assert not case.assignments.exists()
    flow.dispatch(
        case, PartPlan(sole=unit("福州市水利局"), against_catalogue="涉及河道保洁，由水利局负责。")
    )
    event = case.events.get(action="dispatch")
    assert event.details["against_catalogue"] == "涉及河道保洁，由水利局负责。"
    assert event.details["catalogue_suggested"] == ["目录：城市管理（全市）→ 福州市城市管理委员会"]


def test_a_case_the_catalogue_says_nothing_of_needs_no_reason_N5(flow, catalogue, clock):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="建议多开公园。", category=Category.objects.get(code="QT"))
    flow.accept(case)
    flow.dispatch(case, PartPlan(sole=unit("福州市园林中心")))
    assert case.events.get(action="dispatch").details.get("catalogue") is None


def test_the_district_bureau_is_held_to_the_catalogue_too_N5(flow, catalogue, clock):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="有人在路边摆摊占道。", location="鼓楼区南街")
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    part = case.parts.get()
    with pytest.raises(InvalidInput):
        actions.dispatch_part(
            actor=flow.gulou_bureau, part=part, plan=PartPlan(sole=unit("鼓楼区教育局"))
        )
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=part, plan=PartPlan(sole=unit("鼓楼区城市管理局"))
    )
    assert case.events.filter(action="dispatch").get().details["catalogue"] == (
        "目录：占道经营（鼓楼区）→ 鼓楼区城市管理局"
    )


def test_internal_handling_by_a_discipline_body_is_outside_the_catalogue_N5(flow, catalogue, clock):
    """N5, R6: the regulation names the body; the catalogue's department
    is no reason to ask for one."""
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="小区里垃圾无人清运，城管人员收受好处。")
    flow.accept(case, mode="internal", reason=1)
    flow.dispatch(case, PartPlan(sole=unit("福州市纪委监委")))
    assert "catalogue" not in case.events.get(action="dispatch").details


def test_checking_against_the_catalogue_costs_dispatch_no_statement_N5(flow, catalogue, clock):
    """N5: the catalogue is read from the process's copy, at the revision
    read beside the locked case: dispatch keeps its budget."""
    from hotline.cases.tests.test_statement_budgets import BUDGETS, statements, warmed

    clock("2026-12-01 09:00")
    case = flow.phone_case(content="小区里垃圾无人清运。")
    flow.accept(case)
    elsewhere = unit("福州市水利局")
    warmed(flow.city_dispatcher)
    _case, spent = statements(
        lambda: actions.dispatch_case(
            actor=flow.city_dispatcher,
            case=case,
            parts=[PartPlan(sole=elsewhere, against_catalogue="河道")],
        )
    )
    assert spent <= BUDGETS["dispatch"]
