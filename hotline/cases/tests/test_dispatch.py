"""Dispatch: routing, clocks, joint handling and split cases (R4, R7, R8.6, R8.7, D3, D6)."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.models import Clock
from hotline.cases.tests.conftest import at, staff, unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("target", "ok"),
    [
        ("福州市城市管理委员会", True),  # a city department
        ("鼓楼区信访局", True),  # a district bureau, which dispatches on
        ("鼓楼区城市管理局", False),  # a district department: only via its bureau
        ("鼓楼数据信息服务中心", False),  # not a handling unit
        ("福州市效能办", False),  # only for internal R6(2) cases
    ],
)
def test_the_city_bureau_dispatches_to_city_departments_or_district_bureaus_R4(
    flow, clock, target, ok
):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    plan = (
        PartPlan(district_bureau=unit(target))
        if target.endswith("信访局")
        else PartPlan(sole=unit(target))
    )
    if ok:
        flow.dispatch(case, plan)
    else:
        with pytest.raises(InvalidInput, match="批转对象|不能办理"):
            flow.dispatch(case, plan)


def test_a_district_bureau_dispatches_only_within_its_district_R4(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    part = case.parts.get()
    with pytest.raises(InvalidInput):
        actions.dispatch_part(
            actor=flow.gulou_bureau, part=part, plan=PartPlan(sole=unit("台江区城市管理局"))
        )
    with pytest.raises(NotAllowed):  # another district's dispatcher
        actions.dispatch_part(
            actor=staff("台江区信访局", "dispatcher"),
            part=part,
            plan=PartPlan(sole=unit("台江区城市管理局")),
        )
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=part, plan=PartPlan(sole=unit("鼓楼区城市管理局"))
    )
    assert case.assignments.get().unit.name == "鼓楼区城市管理局"


def test_every_dispatch_has_one_working_day_R7(flow, clock):
    """R7: the city bureau dispatches within 1 working day; so does a
    district bureau, from the moment the case reaches it."""
    clock("2026-09-29 16:00")  # Tuesday before National Day
    case = flow.web_case()
    city = case.clocks.get(kind=Clock.Kind.DISPATCH)
    assert city.due_at == at("2026-10-01 00:00")  # end of Wed 09-30
    clock("2026-09-30 17:00")
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    city.refresh_from_db()
    assert city.met_at == at("2026-09-30 17:00")
    district = case.clocks.get(kind=Clock.Kind.DISPATCH, part__isnull=False)
    assert (district.unit.name, district.due_at) == ("鼓楼区信访局", at("2026-10-09 00:00"))
    clock("2026-10-08 09:30")
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=case.parts.get(), plan=PartPlan(sole=unit("鼓楼区城市管理局"))
    )
    district.refresh_from_db()
    assert district.met_at == at("2026-10-08 09:30")


def test_dispatch_starts_the_read_and_reply_clocks_R8_1_R8_2_D3(flow, clock):
    """D3: the reply clock starts on receipt and includes reading (R8.2)."""
    clock("2026-09-24 09:00")
    assignment = flow.to(flow.phone_case(), "福州市城市管理委员会")
    read = assignment.clocks.get(kind=Clock.Kind.READ)
    reply = assignment.clocks.get(kind=Clock.Kind.REPLY)
    assert read.due_at == at("2026-09-30 00:00")  # Mon 09-28, Tue 09-29 (Fri 09-25 Mid-Autumn)
    assert reply.due_at == at("2026-10-16 00:00")  # across Mid-Autumn and National Day
    assert read.started_at == reply.started_at == at("2026-09-24 09:00")


def test_joint_handling_names_a_lead_and_co_handlers_R8_6(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    with pytest.raises(InvalidInput, match="协办单位"):
        flow.dispatch(case, PartPlan(lead=unit("福州市城市管理委员会")))
    flow.dispatch(
        case,
        PartPlan(
            lead=unit("福州市城市管理委员会"),
            co=(unit("福州市生态环境局"), unit("福州市公安局")),
        ),
    )
    roles = dict(case.assignments.values_list("unit__name", "role"))
    assert roles == {"福州市城市管理委员会": "lead", "福州市生态环境局": "co", "福州市公安局": "co"}


def test_co_handlers_share_the_read_clock_and_contribute_before_the_lead_D6(flow, clock):
    """D6: same read clock as the lead; the contribution is due 3 working
    days before the lead's reply deadline; only the lead replies."""
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(lead=unit("福州市城市管理委员会"), co=(unit("福州市生态环境局"),)))
    lead = case.assignments.get(role="lead")
    co = case.assignments.get(role="co")
    assert co.clocks.get(kind="read").due_at == lead.clocks.get(kind="read").due_at
    assert lead.clocks.get(kind="reply").due_at == at("2026-12-11 00:00")  # 10 days: Thu 12-10
    assert co.clocks.get(kind="contribution").due_at == at("2026-12-08 00:00")  # Mon 12-07
    assert not co.clocks.filter(kind="reply").exists()

    name = "福州市生态环境局"
    actions.read_assignment(actor=staff(name, "handler"), assignment=co)
    actions.instruct_assignment(actor=staff(name, "leader"), assignment=co, instruction="配合")
    with pytest.raises(WrongState):
        actions.draft_reply(actor=staff(name, "handler"), assignment=co, content="协办答复")
    clock("2026-12-01 10:00")
    actions.contribute(actor=staff(name, "handler"), assignment=co, text="已检测噪音超标。")
    co.refresh_from_db()
    assert co.state == "contributed"
    assert co.clocks.get(kind="contribution").met_at == at("2026-12-01 10:00")
    event = case.events.get(action="contribute")
    assert event.details["to"] == "福州市城市管理委员会"


def test_several_matters_go_at_once_in_parts_R8_7(flow, clock):
    """R8.7: one part to a city department, another to a district bureau
    that dispatches on; each unit handles and replies to its own part."""
    clock("2026-11-26 10:00")
    case = flow.phone_case(content="一、东街口施工噪音；二、鼓楼区某小学门口交通拥堵。")
    flow.accept(case)
    with pytest.raises(InvalidInput, match="每一部分"):
        flow.dispatch(
            case,
            PartPlan(sole=unit("福州市城市管理委员会")),
            PartPlan(district_bureau=unit("鼓楼区信访局")),
        )
    flow.dispatch(
        case,
        PartPlan(description="施工噪音", sole=unit("福州市城市管理委员会")),
        PartPlan(description="学校门口交通", district_bureau=unit("鼓楼区信访局")),
    )
    first, second = case.parts.order_by("number")
    assert (first.state, second.state, second.holder_bureau.name) == (
        "handling",
        "awaiting_dispatch",
        "鼓楼区信访局",
    )
    case.refresh_from_db()
    assert case.state == "dispatching"  # as far as its least advanced part
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=second, plan=PartPlan(sole=unit("鼓楼区教育局"))
    )
    case.refresh_from_db()
    assert case.state == "handling"

    flow.handle(first.assignments.get())
    flow.review(first)
    case.refresh_from_db()
    assert case.state == "handling"  # the second part is still with its unit
    flow.handle(second.assignments.get())
    flow.review(second)
    case.refresh_from_db()
    assert case.state == "approved"


def test_a_unit_cannot_appear_twice_in_a_part_R8_6(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    with pytest.raises(InvalidInput):
        flow.dispatch(case, PartPlan(lead=unit("福州市公安局"), co=(unit("福州市公安局"),)))


def test_a_case_is_dispatched_once_then_by_part_R4(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.to(case, "福州市城市管理委员会")
    with pytest.raises(WrongState):
        flow.dispatch(case, PartPlan(sole=unit("福州市公安局")))
