"""Errors are RFC 9457 problem details with a stable code, messages in
Chinese and English, and the fields named."""

from django.conf import settings
from django.test import Client

from hotline.cases.models import Case

CITY_BUREAU = "福州市信访局"
PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "message_en", "message_zh", "instance"}


def problem(reply, status: int, code: str) -> dict:
    assert reply.status_code == status, reply.content
    assert reply["Content-Type"] == "application/problem+json"
    body = reply.json()
    assert set(body) >= PROBLEM_KEYS
    assert (body["status"], body["code"]) == (status, code)
    assert body["type"] == f"urn:hotline:problem:{code}"
    assert body["message_en"] and body["message_zh"] != body["message_en"]
    return body


def test_no_credentials(db):
    body = problem(Client().get("/api/v1/cases"), 401, "not_authenticated")
    assert body["instance"] == "/api/v1/cases"
    assert body["message_zh"] == "请使用 API 令牌或工作人员登录会话进行身份验证。"


def test_a_stale_version_is_a_conflict(flow, api_as):
    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    body = problem(
        api.post(f"/cases/{case.number}/accept", {"expected_version": case.version - 1 or 99}),
        409,
        "case_changed",
    )
    assert "已有变动" in body["message_zh"]


def test_an_action_the_stage_does_not_allow(flow, api_as):
    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["classify"])
    body = {"mode": "public", "expected_version": case.version}
    problem(api.post(f"/cases/{case.number}/classify", body), 409, "wrong_state")


def test_the_verbs_own_message_is_the_detail_in_the_chosen_language(flow, api_as):
    flow_case = flow.phone_case()
    api = api_as("city_reviewer", CITY_BUREAU, ["accept"])
    version = {"expected_version": flow_case.version}
    chinese = problem(api.post(f"/cases/{flow_case.number}/accept", version), 403, "not_allowed")
    # As in the workbench, the language is Chinese unless chosen (the
    # language cookie); Accept-Language does not decide.
    api.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = problem(api.post(f"/cases/{flow_case.number}/accept", version), 403, "not_allowed")
    assert chinese["message_zh"] == english["message_zh"]
    assert english["detail"].startswith("Only the")
    assert chinese["detail"] != english["detail"]


def test_invalid_input_from_a_verb_names_the_field(flow, api_as):
    case = flow.phone_case()
    flow.accept(case)
    api = api_as("city_dispatcher", CITY_BUREAU, ["escalate"])
    body = problem(
        api.post(
            f"/cases/{case.number}/escalate",
            {
                "summary": " ",
                "main_recipient": 1,
                "copy_recipients": [],
                "expected_version": Case.objects.get(pk=case.pk).version,
            },
        ),
        422,
        "invalid_input",
    )
    assert [e["field"] for e in body["errors"]] == ["summary"]


def test_validation_errors_name_the_fields(flow, api_as):
    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["refuse"])
    body = problem(
        api.post(f"/cases/{case.number}/refuse", {"reason": 10, "note": 3}), 422, "validation_error"
    )
    assert {(e["field"], e["pointer"]) for e in body["errors"]} == {
        ("reason", "/reason"),
        ("note", "/note"),
    }


def test_validation_errors_in_the_query_name_the_parameter(db, api_as):
    api = api_as("city_dispatcher", CITY_BUREAU)
    body = problem(api.get("/cases", limit=0, status="lost"), 422, "validation_error")
    assert {(e["field"], e["in"]) for e in body["errors"]} == {
        ("limit", "query"),
        ("status", "query"),
    }


def test_an_unknown_unit_is_named(flow, api_as):
    case = flow.phone_case()
    flow.accept(case)
    api = api_as("city_dispatcher", CITY_BUREAU, ["dispatch"])
    body = problem(
        api.post(f"/cases/{case.number}/dispatch", {"parts": [{"sole": 987654}]}),
        422,
        "validation_error",
    )
    assert [e["field"] for e in body["errors"]] == ["parts.0.sole"]


def test_unknown_things_are_not_found(db, api_as):
    api = api_as("city_dispatcher", CITY_BUREAU)
    problem(api.get("/cases/FZ0000000000000"), 404, "not_found")
    problem(api.get("/units/987654"), 404, "not_found")
    problem(api.get("/policy", at="1990-01-01T00:00:00+08:00"), 404, "not_found")


def test_an_unknown_path_is_a_problem_too(db):
    problem(Client().get("/api/v1/nothing/here"), 404, "not_found")


def test_an_account_without_a_role_in_the_tokens_unit_is_refused(db, token):
    _issued, key = token("city_handler", CITY_BUREAU, [])
    reply = Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {key}"})
    problem(reply, 403, "no_role")


def test_a_nul_character_is_a_validation_error_naming_the_field(flow, api_as):
    """PostgreSQL cannot store NUL in text: a body, path or query carrying
    one is refused as invalid, not a server error."""
    api = api_as("agent", "鼓楼数据信息服务中心", ["register", "forward"])
    body = {
        "channel": "phone",
        "requester": {"name": "张\x00三", "phone": "13805912345"},
        "content": "噪音\x00扰民",
        "disclosure_allowed": True,
        "request_type": "complaint",
    }
    refused = api.post("/cases", body)
    assert refused.status_code == 422, refused.content
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"content", "requester.name"}
    searched = api.get("/cases", q="噪音\x00")
    assert searched.status_code == 422
    assert [e["field"] for e in searched.json()["errors"]] == ["q"]
    assert api.get("/cases/FZ\x00/events").status_code == 422


def test_the_requester_email_is_checked_as_the_intake_form_checks_it(db, api_as):
    api = api_as("agent", "鼓楼数据信息服务中心", ["register", "forward"])
    body = {
        "channel": "email",
        "requester": {"name": "张三", "email": "not-an-address"},
        "content": "噪音扰民",
        "disclosure_allowed": True,
        "request_type": "complaint",
    }
    refused = api.post("/cases", body)
    assert refused.status_code == 422, refused.content
    assert [e["field"] for e in refused.json()["errors"]] == ["requester.email"]
    body["requester"]["email"] = "zhang@example.com"
    assert api.post("/cases", body).status_code == 201


def test_a_time_received_beyond_the_calendar_in_utc_is_a_validation_error(db, api_as):
    api = api_as("agent", "鼓楼数据信息服务中心", ["register", "forward"])
    body = {
        "channel": "phone",
        "requester": {"phone": "13805912345"},
        "content": "噪音扰民",
        "disclosure_allowed": True,
        "request_type": "complaint",
        "received_at": "0001-01-01T00:00:00+14:00",
    }
    refused = api.post("/cases", body)
    assert refused.status_code == 422, refused.content
    assert [e["field"] for e in refused.json()["errors"]] == ["received_at"]


def test_a_body_over_the_upload_limit_is_413_not_a_server_error(flow, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    case = flow.phone_case()
    api = api_as("city_dispatcher", "福州市信访局", ["refuse"])
    refused = api.post(f"/cases/{case.number}/refuse", {"reason": 9, "note": "x" * 2000})
    assert refused.status_code == 413, refused.content
    problem = refused.json()
    assert problem["code"] == "too_large"
    assert problem["message_en"] and problem["message_zh"]
