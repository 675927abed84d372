"""Case lists page by cursor: every case once, in order, either way."""

import base64

import pytest

CITY_BUREAU = "福州市信访局"
CITY_UNIT = "福州市城市管理委员会"


def test_cursor_pages_cover_every_case_once_in_order(flow, clock, api_as):
    numbers = []
    for hour in range(10, 15):
        clock(f"2026-09-29 {hour}:00")
        numbers.append(flow.phone_case(content=f"第{hour}件：路灯不亮。").number)
        numbers.append(flow.phone_case(content=f"第{hour}件：噪音扰民。").number)
    api = api_as("city_dispatcher", CITY_BUREAU)
    for order, expected in (("-received_at", numbers[::-1]), ("received_at", numbers)):
        seen, cursor = [], None
        while True:
            params = {"limit": 3, "order": order, **({"cursor": cursor} if cursor else {})}
            page = api.get("/cases", **params).json()
            seen += [c["number"] for c in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == expected, order


def test_filters_narrow_the_list(flow, api_as):
    screening = flow.phone_case()
    dispatching = flow.accept(flow.phone_case(content="另一件：路灯不亮。"))
    api = api_as("city_dispatcher", CITY_BUREAU)
    found = api.get("/cases", status="dispatching").json()["items"]
    assert [c["number"] for c in found] == [dispatching.number]
    found = api.get("/cases", q="施工噪音").json()["items"]
    assert [c["number"] for c in found] == [screening.number]


def test_a_bad_cursor_is_named(db, api_as):
    reply = api_as("city_dispatcher", CITY_BUREAU).get("/cases", cursor="nonsense")
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    "raw",
    [
        "0001-01-01T00:00:00+14:00|5",  # before year 1 in UTC
        "9999-12-31T23:59:59-14:00|5",  # after year 9999 in UTC
        "2026-01-01T00:00:00|5",  # no offset: no moment a cursor of ours names
    ],
)
def test_a_forged_cursor_is_named_not_a_server_error(flow, api_as, raw):
    flow.phone_case()
    cursor = base64.urlsafe_b64encode(raw.encode()).decode()
    api = api_as("city_dispatcher", CITY_BUREAU)
    for order in ("-received_at", "received_at"):
        reply = api.get("/cases", cursor=cursor, order=order)
        assert reply.status_code == 422, (order, reply.content)
        assert reply.json()["errors"][0]["field"] == "cursor"


def test_assignments_page_newest_first(flow, api_as):
    made = [flow.to(flow.phone_case(content=f"第{i}件：路灯不亮。"), CITY_UNIT) for i in range(3)]
    api = api_as("city_handler", CITY_UNIT)
    first = api.get("/assignments", limit=2).json()
    second = api.get("/assignments", limit=2, cursor=first["next_cursor"]).json()
    assert [a["id"] for a in first["items"] + second["items"]] == [a.pk for a in made[::-1]]
    assert second["next_cursor"] is None
