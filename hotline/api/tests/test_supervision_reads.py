"""The API reads what the workbench shows beside the workflow: violations
and their excuse (D5), warnings (R11), ratings (D9), likely repeats (D7),
and the returns waiting for a bureau (R8.3)."""

import pytest

from hotline.cases import actions
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.tests.conftest import staff
from hotline.cases.tests.test_clocks import CGW
from hotline.supervision.rules import propose_warnings

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_read(flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    clock("2026-12-01 08:00")
    breach_due_clocks()
    return assignment


def test_violations_are_listed_and_filtered_R11(staff_api, late_read):
    supervisor = staff_api("city_supervisor")
    items = supervisor.get("/violations").json()["items"]
    assert [(v["case"], v["kind"], v["excused"]) for v in items] == [
        (late_read.case.number, "late_read", False)
    ]
    assert supervisor.get("/violations", excused="true").json()["items"] == []
    assert supervisor.get("/violations", kind="lapsed").json()["items"] == []


def test_another_units_violations_are_not_listed(staff_api, late_read):
    """鼓楼区's handler takes no part in the city unit's case."""
    other = staff_api("gulou_supervisor")
    assert other.get("/violations").json()["items"] == []


def test_a_supervisor_excuses_through_the_api_once_D5(staff_api, late_read):
    supervisor = staff_api("city_supervisor")
    [violation] = supervisor.get("/violations").json()["items"]
    path = f"/violations/{violation['id']}/excuse"
    assert supervisor.post(path, {"reason": ""}).status_code == 422
    done = supervisor.post(path, {"reason": "系统故障"})
    assert done.status_code == 200, done.content
    assert done.json()["excused"] and done.json()["excuse_reason"] == "系统故障"
    again = supervisor.post(path, {"reason": "再一次"})
    assert again.status_code == 422
    events = supervisor.get(f"/cases/{late_read.case.number}/events").json()
    assert [e["action"] for e in events].count("excuse_violation") == 1


def test_a_dispatcher_cannot_excuse_D5(staff_api, late_read):
    [violation] = staff_api("city_supervisor").get("/violations").json()["items"]
    dispatcher = staff_api("city_dispatcher")
    answer = dispatcher.post(f"/violations/{violation['id']}/excuse", {"reason": "停电"})
    assert answer.status_code in (403, 404)


def test_a_token_excuses_only_with_the_action_in_its_scope_D5(api_as, late_read):
    [violation] = api_as("city_supervisor", "福州市效能办").get("/violations").json()["items"]
    path = f"/violations/{violation['id']}/excuse"
    reader = api_as("city_supervisor", "福州市效能办")
    assert reader.post(path, {"reason": "停电"}).status_code == 403
    excuser = api_as("city_supervisor", "福州市效能办", ["excuse_violation"])
    assert excuser.post(path, {"reason": "停电"}).status_code == 200


def test_warnings_are_read_by_the_office_over_the_unit_R11(staff_api, flow, clock):
    clock("2026-11-02 10:00")
    for _ in range(3):
        flow.to(flow.phone_case(), CGW)
    clock("2026-11-30 08:00")
    breach_due_clocks()
    clock("2026-12-01 02:30")
    from datetime import date

    proposals = propose_warnings(date(2026, 11, 1))
    assert proposals
    listed = staff_api("city_supervisor").get("/warnings", decision="proposed").json()["items"]
    assert {w["id"] for w in listed} == {w.pk for w in proposals}
    assert all(w["evidence"] for w in listed)
    assert staff_api("gulou_supervisor").get("/warnings").json()["items"] == []


def test_ratings_are_filtered_by_satisfaction_D9(staff_api, flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    flow.handle(assignment)
    flow.review(assignment.part)
    case = flow.close(assignment.case)
    actions.rate_case(case=case, satisfaction="dissatisfied", comment="没有解决")
    reviewer = staff_api("city_reviewer")
    assert [
        r["case"] for r in reviewer.get("/ratings", satisfaction="dissatisfied").json()["items"]
    ] == [case.number]
    assert reviewer.get("/ratings", satisfaction="satisfied").json()["items"] == []


def test_a_cases_likely_repeats_and_its_timely_reply_count_D7(staff_api, flow, clock):
    clock("2026-11-02 10:00")
    first = flow.to(flow.phone_case(), CGW)
    flow.handle(first)
    flow.review(first.part)
    flow.close(first.case)
    clock("2026-11-26 10:00")
    second = flow.phone_case()
    answer = staff_api("city_dispatcher").get(f"/cases/{second.number}/repeats").json()
    assert [r["number"] for r in answer["repeats"]] == [first.case.number]
    assert answer["timely_reply_count"] == 1


def test_a_return_waits_for_the_bureau_holding_the_part_R8_3(staff_api, flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    actions.return_assignment(
        actor=staff(CGW, "handler"), assignment=assignment, reason="不属于本单位职责"
    )
    dispatcher = staff_api("city_dispatcher")
    [waiting] = dispatcher.get("/returns").json()
    assert (waiting["kind"], waiting["case"]) == ("unit", assignment.case.number)
    assert staff_api("gulou_bureau").get("/returns").json() == []


def test_the_new_reads_refuse_unknown_parameters(staff_api, late_read):
    for path in ("/violations", "/warnings", "/ratings", "/returns"):
        assert staff_api("city_supervisor").get(path, nonsense="1").status_code == 400, path


def test_each_assignment_shows_its_due_dates(staff_api, flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    [shown] = staff_api("city_handler").get(f"/cases/{assignment.case.number}/assignments").json()
    due = {d["kind"]: d for d in shown["due"]}
    assert {"read", "reply"} <= set(due)
    assert due["read"]["status"] == "running"
    assert due["read"]["due_at"].startswith("2026-12-01T00:00:00+08:00")
