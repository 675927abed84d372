"""Request types (N1): asked at submission, corrected by the city bureau
and recorded in the timeline, shown in words wherever a case is."""

import uuid

import pytest
from django.core.cache import cache

from hotline.cases import actions
from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.request_types import request_type
from hotline.organisation.acting import SESSION_KEY
from hotline.organisation.models import User

pytestmark = pytest.mark.django_db
CITY_BUREAU = "福州市信访局"


def _as_dispatcher(client):
    from hotline.cases.tests.conftest import unit

    client.force_login(User.objects.get(username="city_dispatcher"))
    session = client.session
    session[SESSION_KEY] = f"{unit(CITY_BUREAU).pk}:dispatcher"
    session.save()
    return client


def test_the_city_bureau_retypes_a_case_and_the_timeline_keeps_both_names_N1(flow, client):
    case = flow.phone_case(request_type=request_type("consultation"))
    actions.retype_case(
        actor=flow.city_dispatcher, case=case, request_type=request_type("complaint")
    )
    case.refresh_from_db()
    assert case.request_type.code == "complaint"
    event = case.events.get(action="retype")
    assert event.details == {"from": "咨询", "to": "投诉"}
    page = _as_dispatcher(client).get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="request-type">投诉<' in page
    assert "咨询 → 投诉" in page


def test_only_the_city_bureau_retypes_and_only_an_unfinished_case_N1(flow):
    case = flow.phone_case()
    with pytest.raises(NotAllowed):
        actions.retype_case(actor=flow.agent, case=case, request_type=request_type("report"))
    with pytest.raises(InvalidInput):  # the type it has already
        actions.retype_case(
            actor=flow.city_dispatcher, case=case, request_type=request_type("help")
        )
    actions.refuse_case(actor=flow.city_dispatcher, case=case, reason=1)
    with pytest.raises(WrongState):
        actions.retype_case(
            actor=flow.city_dispatcher, case=case, request_type=request_type("report")
        )


def test_the_case_page_offers_retyping_to_the_city_dispatcher_N1(flow, client):
    case = flow.phone_case()
    page = _as_dispatcher(client).get(f"/cases/{case.number}/").content.decode()
    assert "retype-" in page
    complaint = request_type("complaint")
    answer = client.post(
        f"/cases/{case.number}/act/retype/case/{case.pk}/",
        {
            f"retype-{case.pk}-request_type": complaint.pk,
            f"retype-{case.pk}-expected_version": case.version,
        },
    )
    assert answer.status_code == 302, answer.content[:500]
    case.refresh_from_db()
    assert case.request_type_id == complaint.pk


def test_the_screening_screen_retypes_as_it_dispatches_N1(flow):
    from hotline.cases.actions import PartPlan
    from hotline.cases.tests.conftest import unit

    case = flow.phone_case(request_type=request_type("consultation"))
    actions.screen_case(
        actor=flow.city_dispatcher,
        case=case,
        mode="public",
        parts=[PartPlan(sole=unit("福州市城市管理委员会"))],
        request_type=request_type("complaint"),
        expected_version=case.version,
    )
    case.refresh_from_db()
    assert case.request_type.code == "complaint"
    assert list(case.events.values_list("action", flat=True))[-4:] == [
        "retype",
        "accept",
        "classify",
        "dispatch",
    ]


def test_the_portal_asks_the_type_and_the_requester_reads_it_N1(db, client):
    cache.clear()
    data = {
        "submission": str(uuid.uuid4()),
        "content": "小区门口路灯损坏一个月，晚上很黑。",
        "location": "晋安区岳峰镇",
        "name": "刘女士",
        "mobile": "13912345678",
        "disclosure_allowed": "yes",
    }
    page = client.get("/portal/submit/").content.decode()
    assert "咨询" in page and "表扬" in page
    refused = client.post("/portal/submit/", data)
    assert refused.status_code == 400
    assert "请选择诉求类型。" in refused.content.decode()
    client.post("/portal/submit/", {**data, "request_type": request_type("complaint").pk})
    from hotline.cases.models import Case

    case = Case.objects.get()
    assert case.request_type.code == "complaint"
    cache.clear()
