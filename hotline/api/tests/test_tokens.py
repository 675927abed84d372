"""API tokens: a token acts as its account, in its unit only, for the
actions it lists; a revoked token is refused; its last use is recorded."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hotline.api.models import ApiToken
from hotline.api.tokens import issue_token, revoke_token
from hotline.cases.actions import PartPlan
from hotline.cases.models import Case
from hotline.organisation.models import Unit, User
from hotline.organisation.roster import grant_role

CITY_BUREAU = "福州市信访局"
CITY_UNIT = "福州市城市管理委员会"
CO_UNIT = "福州市园林中心"


def test_a_token_takes_only_the_actions_it_lists(flow, api_as):
    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["refuse"])
    refused = api.post(f"/cases/{case.number}/accept", {"expected_version": case.version})
    assert refused.status_code == 403
    assert refused.json()["code"] == "action_not_allowed"
    case.refresh_from_db()
    assert case.state == "screening"
    body = {"reason": 9, "expected_version": case.version}
    assert api.post(f"/cases/{case.number}/refuse", body).status_code == 200


def test_a_listed_action_still_needs_the_role(flow, api_as):
    """The verbs check the account's role as in the workbench."""
    case = flow.phone_case()
    api = api_as("city_reviewer", CITY_BUREAU, ["accept"])
    refused = api.post(f"/cases/{case.number}/accept", {"expected_version": case.version})
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_allowed"


def test_a_token_acts_in_its_unit_only(flow, api_as):
    """An account with the handler role in two units acts through a token
    in the token's unit alone, even on a case both units see."""
    admin = User.objects.get(username="admin")
    person = User.objects.get(username="city_handler")
    grant_role(actor=admin, person=person, unit=Unit.objects.get(name=CO_UNIT), role="handler")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(
        case,
        PartPlan(lead=Unit.objects.get(name=CITY_UNIT), co=(Unit.objects.get(name=CO_UNIT),)),
    )
    lead = case.assignments.get(role="lead")
    path = f"/cases/{case.number}/assignments/{lead.pk}/read"

    version = {"expected_version": Case.objects.get(pk=case.pk).version}
    refused = api_as("city_handler", CO_UNIT, ["read"]).post(path, version)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_allowed"
    assert api_as("city_handler", CITY_UNIT, ["read"]).post(path, version).status_code == 200


def test_a_revoked_token_is_refused(flow, token, api_as):
    issued, key = token("city_dispatcher", CITY_BUREAU, ["accept"])
    headers = {"Authorization": f"Bearer {key}"}
    from django.test import Client

    client = Client()
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    revoke_token(actor=User.objects.get(username="admin"), token=issued)
    refused = client.get("/api/v1/cases", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["code"] == "not_authenticated"
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_or_malformed_key_is_refused(db, token):
    from django.test import Client

    issued, key = token("city_dispatcher", CITY_BUREAU, ["accept"])
    for wrong in (key[:-2] + "xx", "hl_nothing", "nonsense", f"hl_{issued.prefix}_"):
        reply = Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {wrong}"})
        assert reply.status_code == 401, wrong


def test_last_use_is_recorded(db, token):
    from django.test import Client

    issued, key = token("city_dispatcher", CITY_BUREAU, [])
    assert issued.last_used_at is None
    Client().get("/api/v1/units", headers={"Authorization": f"Bearer {key}"})
    issued.refresh_from_db()
    assert timezone.now() - issued.last_used_at < timezone.timedelta(minutes=1)


def test_administrators_issue_and_revoke_tokens_in_the_admin(db, client):
    admin = User.objects.get(username="admin")
    client.force_login(admin)
    bureau = Unit.objects.get(name=CITY_BUREAU)
    reply = client.post(
        "/admin/api/apitoken/add/",
        {
            "name": "市热线电话平台",
            "user": User.objects.get(username="city_dispatcher").pk,
            "unit": bureau.pk,
            "actions": ["accept", "refuse"],
            "reads": "unit",
        },
        follow=True,
    )
    assert reply.status_code == 200
    issued = ApiToken.objects.get(name="市热线电话平台")
    assert issued.actions == ["accept", "refuse"]
    assert issued.reads == "unit"
    assert issued.created_by == admin
    page = reply.content.decode()
    assert f"hl_{issued.prefix}_" in page  # the key, shown this once
    assert f"hl_{issued.prefix}_" not in client.get("/admin/api/apitoken/").content.decode()
    # It waited for that page in the session, never in a cookie.
    assert all(f"hl_{issued.prefix}_" not in c.value for c in reply.client.cookies.values())
    assert "messages" not in reply.client.cookies

    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke_selected", "_selected_action": [issued.pk]},
    )
    issued.refresh_from_db()
    assert issued.revoked_at is not None


def test_passing_to_a_district_needs_its_own_action(flow, api_as):
    """A dispatch plan naming a district bureau is pass_to_district."""
    case = flow.accept(flow.phone_case())
    body = {
        "parts": [{"district_bureau": Unit.objects.get(name="鼓楼区信访局").pk}],
        "expected_version": case.version,
    }
    dispatcher = api_as("city_dispatcher", CITY_BUREAU, ["dispatch"])
    refused = dispatcher.post(f"/cases/{case.number}/dispatch", body)
    assert refused.status_code == 403
    assert refused.json()["code"] == "action_not_allowed"
    passer = api_as("city_dispatcher", CITY_BUREAU, ["pass_to_district"])
    passed = passer.post(f"/cases/{case.number}/dispatch", body)
    assert passed.status_code == 200, passed.content
    assert passed.json()["parts"][0]["holder_bureau"]["name"] == "鼓楼区信访局"


def test_registering_and_forwarding_in_one_go_needs_both_actions(db, api_as):
    """register with forward (the default) also takes the action forward:
    a token listing register alone may only register."""
    from hotline.cases.models import Case

    body = {
        "channel": "phone",
        "requester": {"name": "张三", "phone": "13805912345"},
        "content": "东街口夜间施工噪音扰民。",
        "disclosure_allowed": True,
        "request_type": "complaint",
    }
    registrar = api_as("agent", "鼓楼数据信息服务中心", ["register"])
    refused = registrar.post("/cases", body)
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "action_not_allowed"
    assert not Case.objects.exists()
    kept = registrar.post("/cases", {**body, "forward": False})
    assert kept.status_code == 201, kept.content
    assert kept.json()["state"] == "registered"
    both = api_as("agent", "鼓楼数据信息服务中心", ["register", "forward"])
    assert both.post("/cases", body).json()["state"] == "screening"


def test_only_an_active_administrator_issues_or_revokes_tokens(db):
    """The roster's own test of an administrator (is_administrator)."""
    admin = User.objects.get(username="admin")
    unit = Unit.objects.get(name=CITY_BUREAU)
    user = User.objects.get(username="city_dispatcher")
    token, _key = issue_token(actor=admin, name="x", user=user, unit=unit, actions=["accept"])
    admin.is_active = False
    with pytest.raises(PermissionDenied):
        issue_token(actor=admin, name="y", user=user, unit=unit, actions=["accept"])
    with pytest.raises(PermissionDenied):
        revoke_token(actor=admin, token=token)


def test_a_token_reads_its_roles_once_until_someone_s_roles_change(db, api_as):
    """Issue 14: a token's account's roles are kept between requests; a
    role granted or revoked is seen by the next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hotline.organisation.models import RoleGrant

    api = api_as("city_dispatcher", "福州市信访局", ["accept"])
    assert api.get("/cases").status_code == 200

    def grant_reads():
        with CaptureQueriesContext(connection) as spent:
            status = api.get("/cases").status_code
        return status, sum("organisation_rolegrant" in q["sql"] for q in spent.captured_queries)

    assert grant_reads() == (200, 0)
    RoleGrant.objects.filter(user__username="city_dispatcher").delete()
    status, reads = grant_reads()
    assert status != 200 and reads == 1
