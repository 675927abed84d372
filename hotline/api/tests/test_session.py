"""The workbench's own calls: the staff session, in the unit and role the
person acts in, with CSRF checked on POST."""

from hotline.cases.models import Case
from hotline.organisation.acting import SESSION_KEY

CITY_UNIT = "福州市城市管理委员会"


def test_staff_read_in_their_acting_unit(flow, staff_api):
    assignment = flow.to(flow.phone_case(), CITY_UNIT)
    api = staff_api("city_handler")
    assert api.get(f"/cases/{assignment.case.number}").status_code == 200
    assert api.get("/assignments").json()["items"][0]["id"] == assignment.pk


def test_the_acting_unit_decides_what_is_seen(flow, staff_api, unit):
    """gulou_bureau dispatches and reviews for the Gulou district bureau;
    a city case never passed to the district is not found from there."""
    case = flow.phone_case()
    api = staff_api("gulou_bureau")
    session = api.client.session
    session[SESSION_KEY] = f"{unit('鼓楼区信访局').pk}:reviewer"
    session.save()
    assert api.get(f"/cases/{case.number}").status_code == 404


def test_staff_act_through_the_same_verbs(flow, staff_api):
    assignment = flow.to(flow.phone_case(), CITY_UNIT)
    api = staff_api("city_handler")
    reply = api.post(
        f"/cases/{assignment.case.number}/assignments/{assignment.pk}/read",
        {"expected_version": Case.objects.get(pk=assignment.case_id).version},
    )
    assert reply.status_code == 200, reply.content
    assignment.refresh_from_db()
    assert assignment.state == "read"
    assert assignment.read_by.username == "city_handler"


def test_a_session_post_needs_the_csrf_token(flow, staff_api):
    assignment = flow.to(flow.phone_case(), CITY_UNIT)
    api = staff_api("city_handler", enforce_csrf_checks=True)
    path = f"/cases/{assignment.case.number}/assignments/{assignment.pk}/read"
    version = {"expected_version": Case.objects.get(pk=assignment.case_id).version}
    refused = api.post(path, version)
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert api.get(f"/cases/{assignment.case.number}").status_code == 200  # reads need none

    api.client.get("/")  # the workbench page sets the CSRF cookie
    token = api.client.cookies["csrftoken"].value
    assert api.post(path, version, **{"X-CSRFToken": token}).status_code == 200
