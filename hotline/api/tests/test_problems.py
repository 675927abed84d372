"""Errors are RFC 9457 problem details with a stable code, messages in
Chinese and English, and the fields named."""

from django.conf import settings
from django.test import Client

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
    problem(api.post(f"/cases/{case.number}/classify", {"mode": "public"}), 409, "wrong_state")


def test_the_verbs_own_message_is_the_detail_in_the_chosen_language(flow, api_as):
    flow_case = flow.phone_case()
    api = api_as("city_reviewer", CITY_BUREAU, ["accept"])
    chinese = problem(api.post(f"/cases/{flow_case.number}/accept"), 403, "not_allowed")
    # As in the workbench, the language is Chinese unless chosen (the
    # language cookie); Accept-Language does not decide.
    api.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = problem(api.post(f"/cases/{flow_case.number}/accept"), 403, "not_allowed")
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
            {"summary": " ", "main_recipient": 1, "copy_recipients": []},
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
