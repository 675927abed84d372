"""The API's cases carry their request type, and registering one needs a
known type (N1)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_requires_a_known_request_type_N1(flow, api_as):
    agent = api_as("agent", "鼓楼数据信息服务中心", ["register", "forward"])
    body = {
        "channel": "phone",
        "requester": {"name": "张三", "phone": "13805912345"},
        "content": "东街口夜间施工噪音扰民。",
        "disclosure_allowed": True,
    }
    missing = agent.post("/cases", body)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "request_type"
    unknown = agent.post("/cases", {**body, "request_type": "gripe"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "request_type"
    assert "consultation" in unknown.json()["errors"][0]["message"]
    made = agent.post("/cases", {**body, "request_type": "report"})
    assert made.status_code == 201, made.content
    assert made.json()["request_type"] == {"code": "report", "name": "举报"}
    assert agent.get(f"/cases/{made.json()['number']}").json()["request_type"]["name"] == "举报"
