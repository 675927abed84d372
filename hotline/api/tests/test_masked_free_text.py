"""D8 in the API: the roles whose case page masks the requester (the
supervisors) read the case's free text masked too - content, location,
replies, review reasons - as on the workbench's case page."""

import json

import pytest

from hotline.cases.actions import RequesterDetails

pytestmark = pytest.mark.django_db
CITY_UNIT = "福州市城市管理委员会"
SECRETS = ("王小明", "Wang Xiaoming", "138 0591 2345", "+86-13805912345", "温泉路88号3单元")


@pytest.fixture
def case(flow):
    requester = RequesterDetails(
        name="王小明", phone="13805912345", address="福州市鼓楼区温泉路88号3单元"
    )
    case = flow.phone_case(
        content="我是王小明（Wang Xiaoming），电话138 0591 2345，住温泉路88号3单元，楼下噪音。",
        requester=requester,
        location="温泉路88号3单元门口",
    )
    assignment = flow.to(case, CITY_UNIT)
    flow.handle(assignment, reply="已电话+86-13805912345联系王小明，到温泉路88号3单元核实。")
    flow.review(assignment.part, approve=False, reasons="请再联系王小明（138 0591 2345）。")
    return case


def bodies(api, case):
    assignment_id = case.assignments.get().pk
    for path in (
        f"/cases/{case.number}",
        f"/cases/{case.number}/assignments",
        f"/assignments/{assignment_id}",
    ):
        reply = api.get(path)
        assert reply.status_code == 200, path
        yield path, json.dumps(reply.json(), ensure_ascii=False)


def test_masked_roles_read_the_case_text_masked_through_the_api_D8(case, api_as):
    """D8: a supervisor's token reads no requester detail in any free text."""
    for path, body in bodies(api_as("city_supervisor", "福州市效能办"), case):
        for secret in SECRETS:
            assert secret not in body, (path, secret)
        assert "楼下噪音" in body or "核实" in body, path


def test_handling_roles_read_it_in_full_D8(case, api_as):
    seen = "".join(body for _, body in bodies(api_as("city_handler", CITY_UNIT), case))
    for secret in SECRETS:
        assert secret in seen, secret


def test_masked_roles_read_every_text_of_the_timeline_masked_D8(flow, api_as, staff_api):
    """D8: `/cases/{number}/events` carries the notes, reasons, instructions
    and texts of the timeline; a role that sees the requester masked reads
    the requester's details masked in all of them, as on the case page."""
    from hotline.cases import actions
    from hotline.cases.tests.conftest import staff

    requester = RequesterDetails(
        name="王小明", phone="13805912345", address="福州市鼓楼区温泉路88号3单元"
    )
    case = flow.phone_case(content="楼下噪音。", requester=requester)
    assignment = flow.to(case, CITY_UNIT)
    actions.read_assignment(actor=staff(CITY_UNIT, "handler"), assignment=assignment)
    actions.instruct_assignment(
        actor=staff(CITY_UNIT, "leader"),
        assignment=assignment,
        instruction="请联系王小明（Wang Xiaoming，138 0591 2345）到温泉路88号3单元核实。",
    )
    for api in (api_as("city_supervisor", "福州市效能办"), staff_api("city_supervisor")):
        reply = api.get(f"/cases/{case.number}/events")
        assert reply.status_code == 200
        body = json.dumps(reply.json(), ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in body, secret
        assert "核实" in body
    handler = json.dumps(
        api_as("city_handler", CITY_UNIT).get(f"/cases/{case.number}/events").json(),
        ensure_ascii=False,
    )
    assert "王小明" in handler and "138 0591 2345" in handler
