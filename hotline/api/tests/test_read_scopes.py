"""Read scopes (issue 12): a token's actions limit its writes, its read
scope its reads. An intake or Open311 key reads back only what it
submitted; a token reads its unit's cases only when it is given them."""

import pytest
from django.apps import apps
from django.test import Client

from hotline.api.models import ApiToken, TokenSubmission

from .conftest import Api

CITY_BUREAU = "福州市信访局"
CENTER = "鼓楼数据信息服务中心"
CITY_UNIT = "福州市城市管理委员会"


def _numbers(api) -> list[str]:
    return [c["number"] for c in api.get("/cases").json()["items"]]


def test_an_open311_key_reads_back_only_the_requests_it_posted(flow, token):
    """The reported leak: a key allowed only to submit, of an account in
    the city bureau, read every case through /api/v1, internal ones too."""
    internal = flow.phone_case()
    flow.accept(internal, mode="internal", reason=1)
    other = flow.to(flow.phone_case(), CITY_UNIT)
    issued, key = token("city_dispatcher", CITY_BUREAU, ["submit_online"], reads="submitted")
    posted = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "CG",
            "address_string": "晋安区岳峰镇福新路",
            "description": "福新路人行道地砖松动，雨天溅水。",
            "phone": "13912345678",
            "attribute[disclosure_allowed]": "yes",
        },
    )
    assert posted.status_code == 200, posted.content
    mine = posted.json()[0]["service_request_id"]
    assert TokenSubmission.objects.get(case__number=mine).token == issued

    api = Api(Client(), {"Authorization": f"Bearer {key}"})
    assert _numbers(api) == [mine]
    assert api.get(f"/cases/{mine}").status_code == 200
    for case in (internal, other.case):
        for path in ("", "/assignments", "/clocks", "/events"):
            reply = api.get(f"/cases/{case.number}{path}")
            assert reply.status_code == 404, (case.number, path)
    assert api.get(f"/assignments/{other.pk}").status_code == 404


def test_an_intake_key_reads_back_what_it_registered_and_no_other_case(flow, token):
    registered_by_staff = flow.phone_case()
    _issued, key = token("agent", CENTER, ["register", "forward"], reads="submitted")
    api = Api(Client(), {"Authorization": f"Bearer {key}"})
    created = api.post(
        "/cases",
        {
            "channel": "phone",
            "requester": {"name": "李四", "phone": "13905911111"},
            "content": "五四路井盖缺失，夜间危险。",
            "disclosure_allowed": True,
            "request_type": "complaint",
        },
    )
    assert created.status_code == 201, created.content
    mine = created.json()["number"]
    assert created.json()["requester"]["name"] == "李四"
    assert _numbers(api) == [mine]
    assert api.get(f"/cases/{registered_by_staff.number}").status_code == 404
    # Staff of the same center still see both.
    assert api.get(f"/cases/{mine}/events").status_code == 200


def test_actions_reach_only_the_cases_a_token_may_read(flow, token):
    """The case an action answers with is a read: a dispatcher's token with
    the read scope "submitted" cannot accept a case it did not submit."""
    case = flow.phone_case()
    _issued, key = token("city_dispatcher", CITY_BUREAU, ["accept"], reads="submitted")
    api = Api(Client(), {"Authorization": f"Bearer {key}"})
    body = {"mode": "public", "expected_version": case.version}
    assert api.post(f"/cases/{case.number}/accept", body).status_code == 404
    case.refresh_from_db()
    assert case.state == "screening"


def test_assignments_of_a_submitted_scope_token_are_its_cases_only(flow, token):
    assignment = flow.to(flow.phone_case(), CITY_UNIT)
    handler = "city_handler"
    _issued, key = token(handler, CITY_UNIT, ["read"], reads="submitted")
    api = Api(Client(), {"Authorization": f"Bearer {key}"})
    assert api.get("/assignments").json()["items"] == []
    assert api.get(f"/assignments/{assignment.pk}").status_code == 404
    # With its unit's cases, the same account sees the assignment.
    _issued, key = token(handler, CITY_UNIT, ["read"], reads="unit")
    api = Api(Client(), {"Authorization": f"Bearer {key}"})
    assert [a["id"] for a in api.get("/assignments").json()["items"]] == [assignment.pk]


def test_a_token_reads_only_what_it_submitted_unless_given_more(db):
    """issue_token's default is the narrow scope."""
    from hotline.api.tokens import issue_token
    from hotline.organisation.models import Unit, User

    issued, _key = issue_token(
        actor=User.objects.get(username="admin"),
        name="x",
        user=User.objects.get(username="agent"),
        unit=Unit.objects.get(name=CENTER),
        actions=["register"],
    )
    assert issued.reads == ApiToken.Reads.SUBMITTED


def test_a_submitted_scope_token_of_a_masked_role_reads_its_case_masked(flow, token):
    """The read scope narrows what is read; the role still decides how the
    requester is shown (D8)."""
    from hotline.api.tokens import record_submission

    case = flow.phone_case()
    issued, key = token("city_supervisor", "福州市效能办", [], reads="submitted")
    record_submission(issued, case)
    api = Api(Client(), {"Authorization": f"Bearer {key}"})
    assert api.get(f"/cases/{case.number}").json()["requester"]["masked"] is True


@pytest.mark.parametrize(
    ("actions", "reads"),
    [
        (["submit_online"], "submitted"),
        (["register", "forward"], "submitted"),
        (["accept"], "unit"),
    ],
)
def test_tokens_issued_before_read_scopes_keep_what_they_need(db, token, actions, reads):
    """The migration: a key that only submits now reads only what it
    submits; one that takes other actions keeps its unit's cases."""
    import importlib

    migration = importlib.import_module("hotline.api.migrations.0003_read_scope")
    issued, _key = token("city_dispatcher", CITY_BUREAU, actions, reads="submitted")
    migration.scope_existing(apps, None)
    issued.refresh_from_db()
    assert issued.reads == reads
