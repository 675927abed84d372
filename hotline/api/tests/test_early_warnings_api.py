"""Early warnings through the API (N10): read by the bureau's dispatchers
and the office's supervisors, acknowledged once with a note."""

import pytest

from hotline.cases.actions import RequesterDetails
from hotline.supervision.early_warnings import raise_early_warnings
from hotline.supervision.models import EarlyWarning

pytestmark = pytest.mark.django_db


@pytest.fixture
def warning(flow, clock):
    clock("2026-11-26 08:00")
    cases = [
        flow.phone_case(
            content="鼓楼区五四路水管爆裂，路面积水严重。",
            location="鼓楼区五四路",
            requester=RequesterDetails(name=f"来电人{n}", phone=f"1380591{n:04d}"),
        )
        for n in range(10)
    ]
    raise_early_warnings()
    return EarlyWarning.objects.get(kind="cluster"), cases


def test_the_bureau_reads_early_warnings_with_their_cases_N10(staff_api, warning):
    found, cases = warning
    answer = staff_api("city_dispatcher").get("/early-warnings", acknowledged="false")
    assert answer.status_code == 200
    (item,) = answer.json()["items"]
    assert item["id"] == found.pk and item["kind"] == "cluster"
    assert item["cases"] == [c.number for c in cases]


def test_other_roles_are_refused_early_warnings_N10(staff_api, warning):
    assert staff_api("city_handler").get("/early-warnings").status_code == 403


def test_a_supervisor_acknowledges_once_with_a_note_N10(staff_api, warning):
    found, _cases = warning
    api = staff_api("city_supervisor")
    path = f"/early-warnings/{found.pk}/acknowledge"
    assert api.post(path, {"note": ""}).status_code == 422
    answer = api.post(path, {"note": "已通知水务集团抢修"}, key="ack-1")
    assert answer.status_code == 200, answer.content
    assert answer.json()["acknowledgement"] == "已通知水务集团抢修"
    replay = api.post(path, {"note": "已通知水务集团抢修"}, key="ack-1")
    assert replay.status_code == 200 and replay.json() == answer.json()
    again = api.post(path, {"note": "再次"})
    assert again.status_code in (409, 422)
    assert api.get("/early-warnings", acknowledged="false").json()["items"] == []


def test_a_token_acknowledges_only_with_the_action_in_its_scope_N10(api_as, warning):
    found, _cases = warning
    path = f"/early-warnings/{found.pk}/acknowledge"
    plain = api_as("city_dispatcher", "福州市信访局")
    assert plain.get("/early-warnings").status_code == 200
    assert plain.post(path, {"note": "已知悉"}).status_code == 403
    scoped = api_as("city_dispatcher", "福州市信访局", ["acknowledge_early_warning"])
    assert scoped.post(path, {"note": "已知悉"}).status_code == 200


def test_the_bureau_names_lead_and_co_handlers_deciding_an_objection_N6(staff_api, flow, clock):
    from hotline.cases import actions
    from hotline.cases.tests.conftest import staff

    clock("2026-11-26 10:00")
    first = flow.to(flow.phone_case(), "福州市城市管理委员会")
    actions.return_assignment(
        actor=staff("福州市城市管理委员会", "handler"), assignment=first, reason="非本单位"
    )
    case = first.case
    case.refresh_from_db()
    sj = first.unit.__class__.objects.get(name="福州市市场监督管理局")
    ga = first.unit.__class__.objects.get(name="福州市公安局")
    answer = staff_api("city_dispatcher").post(
        f"/cases/{case.number}/assignments/{first.pk}/decide_return",
        {
            "withdraw": True,
            "note": "市场监管牵头",
            "plan": {"lead": sj.pk, "co": [ga.pk]},
            "expected_version": case.version,
        },
    )
    assert answer.status_code == 200, answer.content
    roles = set(case.assignments.exclude(pk=first.pk).values_list("unit__name", "role"))
    assert roles == {("福州市市场监督管理局", "lead"), ("福州市公安局", "co")}
