"""Another unit's case is invisible through every read and every action:
404, never 403, as on the workbench. The requester is masked for the roles
whose case page masks it (D8)."""

import pytest

CITY_UNIT = "福州市城市管理委员会"
OTHER_UNIT = "福州市教育局"


@pytest.fixture
def elsewhere(flow):
    """A case dispatched to the city's urban management committee, with
    an escalation, seen from the education bureau."""
    assignment = flow.to(flow.phone_case(), CITY_UNIT)
    return assignment


def test_every_read_of_another_units_case_is_not_found(elsewhere, api_as):
    case = elsewhere.case
    api = api_as(_handler(OTHER_UNIT), OTHER_UNIT)
    for path in (
        f"/cases/{case.number}",
        f"/cases/{case.number}/assignments",
        f"/cases/{case.number}/clocks",
        f"/cases/{case.number}/events",
        f"/assignments/{elsewhere.pk}",
    ):
        reply = api.get(path)
        assert reply.status_code == 404, path
        assert reply.json()["code"] == "not_found"
    assert api.get("/cases").json()["items"] == []
    assert api.get("/assignments").json()["items"] == []
    # The unit that has it sees it.
    own = api_as("city_handler", CITY_UNIT)
    assert own.get(f"/cases/{case.number}").status_code == 200
    assert [c["number"] for c in own.get("/cases").json()["items"]] == [case.number]


def test_every_action_on_another_units_case_is_not_found(elsewhere, api_as):
    from hotline.cases.workflow import TRANSITIONS

    case = elsewhere.case
    api = api_as(_handler(OTHER_UNIT), OTHER_UNIT, [t.action for t in TRANSITIONS])
    part = case.parts.get()
    for path in (
        "forward",
        "accept",
        "refuse",
        "decline_repeat",
        "classify",
        "dispatch",
        "escalate",
        "close",
        "reopen",
        f"parts/{part.pk}/dispatch",
        f"parts/{part.pk}/request_take_back",
        f"parts/{part.pk}/decide_take_back",
        f"parts/{part.pk}/review",
        *(
            f"assignments/{elsewhere.pk}/{action}"
            for action in (
                "read",
                "instruct",
                "contribute",
                "draft_reply",
                "send_back_draft",
                "approve_reply",
                "return",
                "decide_return",
            )
        ),
        "escalations/1/record_coordination",
    ):
        reply = api.post(f"/cases/{case.number}/{path}", _minimal_body(path))
        assert reply.status_code == 404, (path, reply.content)


def _handler(unit_name: str) -> str:
    from hotline.organisation.models import RoleGrant

    return (
        RoleGrant.objects.filter(unit__name=unit_name, role="handler")
        .order_by("id")
        .first()
        .user.username
    )


def _minimal_body(path: str) -> dict:
    """A body that passes validation, so the answer is about the case."""
    action = path.rsplit("/", 1)[-1]
    return {
        "refuse": {"reason": 9},
        "classify": {"mode": "public"},
        "dispatch": {"parts": [{"sole": 1}]},
        "escalate": {"summary": "x", "main_recipient": 1, "copy_recipients": [2]},
        "reopen": {"reasons": "x"},
        "request_take_back": {"reason": "x"},
        "decide_take_back": {"accept": True},
        "review": {"approve": True},
        "instruct": {"instruction": "x"},
        "contribute": {"text": "x"},
        "draft_reply": {"content": "x"},
        "return": {"reason": "x"},
        "decide_return": {"withdraw": True},
        "record_coordination": {"outcome": "x"},
    }.get(action, {})


def test_the_requester_is_masked_for_roles_whose_case_page_masks_it(elsewhere, api_as):
    number = elsewhere.case.number
    handler = api_as("city_handler", CITY_UNIT).get(f"/cases/{number}").json()["requester"]
    assert handler == {
        "kind": "person",
        "name": "张三",
        "phone": "13805912345",
        "id_number": "",
        "email": "",
        "address": "",
        "masked": False,
    }
    supervisor = api_as("city_supervisor", "福州市效能办").get(f"/cases/{number}").json()
    assert supervisor["requester"] == {
        "kind": "person",
        "name": "张*",
        "phone": "138****2345",
        "id_number": None,
        "email": None,
        "address": None,
        "masked": True,
    }


def test_a_requester_message_in_the_timeline_is_masked_for_masked_roles(elsewhere, api_as):
    """The requester's own words sent by SMS may carry their details; the
    case page shows them to no one, and the roles that see the requester
    masked get them masked (D8)."""
    from hotline.notifications.inbound import receive

    case = elsewhere.case
    text = "补充：我叫张三，电话13805912345，住鼓楼区秘密巷18号"
    case.requester.address = "鼓楼区秘密巷18号"
    case.requester.save()
    receive(channel="sms", external_id="gw-1", sender="13805912345", text=text)
    number = case.number

    def message(api):
        events = api.get(f"/cases/{number}/events").json()
        (event,) = [e for e in events if e["action"] == "requester_message"]
        return event["details"]["text"]

    assert message(api_as("city_handler", CITY_UNIT)) == text
    masked = message(api_as("city_supervisor", "福州市效能办"))
    for secret in ("张三", "13805912345", "鼓楼区秘密巷18号"):
        assert secret not in masked
