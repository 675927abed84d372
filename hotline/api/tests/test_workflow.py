"""A case driven through the whole workflow by integrations, each with its
own token, over the API alone (thin adapters over the verbs)."""

from hotline.cases.models import Category, Event
from hotline.organisation.models import Unit

CITY_BUREAU = "福州市信访局"
CITY_UNIT = "福州市城市管理委员会"


def test_register_to_close_through_the_api(db, clock, api_as):
    clock("2026-09-29 10:00")
    agent = api_as("agent", "鼓楼数据信息服务中心", ["register", "forward"])
    dispatcher = api_as("city_dispatcher", CITY_BUREAU, ["accept", "classify", "dispatch"])
    handler = api_as("city_handler", CITY_UNIT, ["read", "save_reply_draft", "draft_reply"])
    leader = api_as("city_leader", CITY_UNIT, ["instruct", "approve_reply"])
    reviewer = api_as("city_reviewer", CITY_BUREAU, ["review", "close"])

    registered = agent.post(
        "/cases",
        {
            "channel": "phone",
            "requester": {"name": "张三", "phone": "13805912345"},
            "content": "东街口夜间施工噪音扰民，影响休息，请尽快处理。",
            "category": Category.objects.get(code="CG").pk,
            "disclosure_allowed": True,
            "request_type": "complaint",
        },
    )
    assert registered.status_code == 201, registered.content
    case = registered.json()
    assert case["state"] == "screening"
    number = case["number"]

    seen = {"version": case["version"]}

    def act(api, path, body=None):
        """Each action names the version of the case its caller last saw."""
        reply = api.post(
            f"/cases/{number}{path}", {"expected_version": seen["version"], **(body or {})}
        )
        assert reply.status_code == 200, reply.content
        seen["version"] = reply.json()["version"]
        return reply.json()

    case = act(dispatcher, "/accept")
    case = act(dispatcher, "/classify", {"mode": "public"})
    plan = {"sole": Unit.objects.get(name=CITY_UNIT).pk, "instruction": "请今日核查。"}
    case = act(dispatcher, "/dispatch", {"parts": [plan]})
    assert case["state"] == "handling"

    (assignment,) = handler.get("/assignments", state="received").json()["items"]
    assert assignment["case"] == number
    assert assignment["dispatch_instruction"] == "请今日核查。"  # issue 15
    base = f"/assignments/{assignment['id']}"
    act(handler, f"{base}/read")
    act(leader, f"{base}/instruct", {"instruction": "请核实后答复。"})
    case = act(handler, f"{base}/save_reply_draft", {"content": "正在核实。"})
    assert case["state"] == "handling"  # R8.2: a saved draft leaves nothing to the leader yet
    act(handler, f"{base}/draft_reply", {"content": "已责令施工单位停止夜间施工。"})
    case = act(leader, f"{base}/approve_reply")
    assert case["state"] == "reviewing"

    case = act(reviewer, f"/parts/{case['parts'][0]['id']}/review", {"approve": True})
    assert case["state"] == "approved"
    case = act(reviewer, "/close")
    assert case["state"] == "closed"
    assert case["result"] == "已责令施工单位停止夜间施工。"

    timeline = [e["action"] for e in reviewer.get(f"/cases/{number}/events").json()]
    assert timeline == list(
        Event.objects.filter(case__number=number).values_list("action", flat=True)
    )
    assert timeline[-1] == "close"
    clocks = reviewer.get(f"/cases/{number}/clocks").json()
    assert {c["status"] for c in clocks} <= {"met", "cancelled"}


def test_a_registration_is_answered_as_it_reads_back_without_reading_it(db, clock, api_as):
    """Issue 14: the intake's answer is written from the case the verb made
    (no read-back of the case, its parts and escalations), and says the same
    as reading the case afterwards."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock("2026-09-29 10:00")
    agent = api_as("agent", "鼓楼数据信息服务中心", ["register", "forward"])
    body = {
        "channel": "phone",
        "requester": {"name": "张三", "phone": "13805912345"},
        "content": "东街口夜间施工噪音扰民，影响休息，请尽快处理。",
        "category": Category.objects.get(code="CG").pk,
        "disclosure_allowed": True,
        "request_type": "complaint",
        "forward": True,
    }
    with CaptureQueriesContext(connection) as spent:
        registered = agent.post("/cases", body)
    assert registered.status_code == 201, registered.content
    answered = registered.json()
    read_back = agent.get(f"/cases/{answered['number']}").json()
    assert {k: read_back[k] for k in answered} == answered
    tables = " ".join(q["sql"] for q in spent.captured_queries)
    assert "cases_escalation" not in tables and 'FROM "cases_part"' not in tables
