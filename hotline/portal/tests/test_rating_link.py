"""D9 (issue 12): the rating link in the result message is the requester's
alone. Staff pages never render it, no staff session can rate, and the
link is bound to the case's requester."""

import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client

from hotline.cases.models import Case, Requester
from hotline.notifications.models import CallbackTask
from hotline.organisation.models import User

from .test_portal import close_publicly, number_and_code, submit

LINK = re.compile(r"(/portal/rate/[^\s/]+/)")


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()


@pytest.fixture
def closed(client, clock, flow):
    """A web case closed with its result sent, and the link in that message."""
    clock("2026-11-26 10:00")
    number, _code = number_and_code(submit(client).content.decode())
    case = close_publicly(flow, Case.objects.get(number=number))
    link = LINK.search(case.messages.get(kind="result").text).group(1)
    return case, link


def staff(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_staff_case_page_never_shows_the_rating_link(closed):
    case, link = closed
    for username in ("city_handler", "city_dispatcher", "city_reviewer"):
        page = staff(username).get(f"/cases/{case.number}/").content.decode()
        assert 'data-testid="outbox"' in page, username
        assert "/portal/rate/" not in page, username
        assert link not in page
    # The rest of the message is still there for the record.
    assert "已更换路灯" in staff("city_handler").get(f"/cases/{case.number}/").content.decode()


def test_the_agents_call_back_list_never_shows_the_rating_link(flow, clock):
    clock("2026-11-26 10:00")
    case = close_publicly(flow, flow.phone_case())
    message = case.messages.get(kind="result")
    assert "/portal/rate/" in message.text
    CallbackTask.objects.get_or_create(message=message)
    page = staff("agent").get("/").content.decode()
    assert case.number in page
    assert "/portal/rate/" not in page


def test_a_staff_session_cannot_open_the_rating_link(closed):
    """The handler of the rated unit used the link from the case page."""
    case, link = closed
    handler = staff("city_handler")
    reply = handler.get(link)
    assert reply.status_code == 403
    assert 'data-testid="staff-may-not-rate"' in reply.content.decode()
    assert handler.post("/portal/track/case/", {"satisfaction": "satisfied"}).status_code in (
        302,
        403,
    )
    case.refresh_from_db()
    assert case.rated_at is None


def test_a_staff_session_cannot_rate_a_case_opened_before_logging_in(closed):
    """Opened as a visitor, then rated after logging in: refused."""
    case, link = closed
    browser = Client()
    assert browser.get(link).status_code == 302
    browser.force_login(User.objects.get(username="city_handler"))
    page = browser.get("/portal/track/case/").content.decode()
    assert 'data-testid="rate"' not in page
    reply = browser.post("/portal/track/case/", {"satisfaction": "satisfied"})
    assert reply.status_code == 403
    case.refresh_from_db()
    assert case.rated_at is None


def test_the_requester_still_rates_by_the_link(closed):
    case, link = closed
    visitor = Client()
    assert 'data-testid="rate"' in visitor.get(link, follow=True).content.decode()
    visitor.post("/portal/track/case/", {"satisfaction": "satisfied"})
    case.refresh_from_db()
    assert case.satisfaction == "satisfied"


def test_a_link_not_bound_to_the_requester_is_refused(closed):
    """A signed case number alone (the old form) opens nothing, nor does a
    link naming another requester."""
    case, _link = closed
    unbound = signing.dumps(case.number, salt="hotline.rating")
    assert Client().get(f"/portal/rate/{unbound}/").status_code == 404
    other = Requester.objects.exclude(pk=case.requester_id).first() or Requester.objects.create(
        name="王五", phone="13900000000"
    )
    wrong = signing.dumps({"case": case.number, "requester": other.pk}, salt="hotline.rating")
    assert Client().get(f"/portal/rate/{wrong}/").status_code == 404
