"""Odd input on staff pages is ignored or refused, never a server error."""

import pytest
from django.core.cache import cache
from django.test import Client

from hotline.notifications.inbound import receive
from hotline.organisation.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="city_dispatcher"))
    return client


@pytest.mark.parametrize(
    "query",
    [
        "before=garbage",
        "before=x_y",
        "before=2026-11-26T10:00:00_abc",
        "from=notadate",
        "to=2026-13-45",
        "category=abc",
        "district=abc",
        "q=" + "路灯" * 200,
    ],
)
@pytest.mark.parametrize("url", ["/", "/cases/"])
def test_bad_filters_are_ignored(staff_client, url, query):
    assert staff_client.get(f"{url}?{query}").status_code == 200


def test_dispatch_page_counts_are_bounded(staff_client, flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    part = case.parts.get()
    assert (
        staff_client.get(f"/cases/{case.number}/dispatch/{part.pk}/?parts=abc").status_code == 200
    )
    response = staff_client.post(
        f"/cases/{case.number}/dispatch/{part.pk}/", {"count": 10**6, "expected_version": 1}
    )
    assert response.status_code == 400 and response.content.decode().count("<fieldset") <= 5


def test_an_agent_cannot_open_a_message_threaded_into_a_case(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.web_case()
    message, _ = receive(
        channel="sms",
        external_id="g1",
        sender=case.requester.phone,
        text="身份证350102199001011234，住3栋502",
    )
    assert message.case == case
    client = Client()
    client.force_login(User.objects.get(username="agent"))
    assert "3栋502" not in client.get(f"/intake/?draft={message.pk}").content.decode()
    assert client.get("/intake/?draft=abc").status_code == 200


def test_full_width_user_names_do_not_dodge_the_login_throttle():
    cache.clear()
    client = Client()
    for _attempt in range(5):
        client.post("/login/", {"username": "agent", "password": "wrong"})
    full_width = client.post("/login/", {"username": "ａｇｅｎｔ", "password": "hotline12345"})
    assert full_width.status_code == 429
    cache.clear()


@pytest.mark.parametrize(
    "url",
    [
        "/cases/FZ2026112600001%00/",
        "/cases/FZ%00/print/",
        "/portal/published/FZ2026112600001%00/",
        "/cases/%E8%B7%AF%E7%81%AF/",
    ],
)
def test_a_crafted_case_number_in_the_path_is_not_found(staff_client, url):
    """A NUL character (which PostgreSQL refuses in a query) or any other
    character no case number has is a 404, not a server error."""
    assert staff_client.get(url).status_code == 404
