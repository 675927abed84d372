"""The portal under odd and hostile input (D8, D9)."""

import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from hotline.cases.actions import RequesterDetails
from hotline.cases.models import Case
from hotline.cases.tests.conftest import at
from hotline.portal.tests.test_portal import close_publicly, number_and_code, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_searching_published_replies_by_a_persons_details_finds_nothing_D8(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.web_case(
        content="我是王建国，电话13912345678，小区路灯坏了。",
        requester=RequesterDetails(name="王建国", phone="13912345678"),
    )
    close_publicly(flow, case)
    for query in ("13912345678", "王建国", "5678"):
        page = client.get("/portal/published/", {"q": query}).content.decode()
        assert case.number not in page, query
    assert case.number in client.get("/portal/published/", {"q": "路灯"}).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "before=garbage",
        "before=x_y",
        "from=notadate",
        "to=2026-13-45",
        "category=abc",
        "district=x",
    ],
)
def test_bad_parameters_on_public_pages_are_ignored(query):
    assert (
        Client(raise_request_exception=False).get(f"/portal/published/?{query}").status_code == 200
    )


def test_the_rating_link_stops_working_once_rated_D9(client, clock, flow):
    clock("2026-11-26 10:00")
    number, _code = number_and_code(submit(client).content.decode())
    case = close_publicly(flow, Case.objects.get(number=number))
    link = re.search(r"(/portal/rate/\S+/)", case.messages.get(kind="result").text).group(1)
    client.get(link)
    client.post("/portal/track/case/", {"satisfaction": "satisfied"})
    stranger = Client()
    assert stranger.get(link).status_code == 404


def test_a_looked_up_case_closes_itself_after_half_an_hour(client, clock):
    clock("2026-11-26 10:00")
    number, code = number_and_code(submit(client).content.decode())
    client.post("/portal/track/", {"number": number, "code": code})
    assert client.get("/portal/track/case/").status_code == 200
    with time_machine.travel(at("2026-11-26 10:31"), tick=False):
        assert client.get("/portal/track/case/").status_code == 302


def test_guessing_from_one_address_does_not_lock_out_the_requester(client, clock):
    clock("2026-11-26 10:00")
    number, code = number_and_code(submit(client).content.decode())
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    for _attempt in range(12):
        attacker.post("/portal/track/", {"number": number, "code": "GUESS00000"})
    assert attacker.post("/portal/track/", {"number": number, "code": code}).status_code == 429
    requester = Client(REMOTE_ADDR="10.1.1.1")
    assert requester.post("/portal/track/", {"number": number, "code": code}).status_code == 302


def test_published_search_finds_pieces_of_words_but_no_piece_of_a_name_D8(client, clock, flow):
    """Issue 15: the portal searches the same index as the staff, bigrams
    included, and the index holds the masked text only: 路灯 cut through by
    the segmenter is found, 建国 of the requester 王建国 is not, nor is the
    case by its number or the requester's phone."""
    clock("2026-11-26 10:00")
    case = flow.web_case(
        content="我是王建国，温泉公园路灯不亮。",
        requester=RequesterDetails(name="王建国", phone="13912345678"),
    )
    close_publicly(flow, case)
    cache.clear()

    def listed(q):
        page = client.get("/portal/published/", {"q": q}).content.decode()
        return f"/portal/published/{case.number}/" in page

    assert listed("路灯") and listed("灯不亮")
    for query in ("建国", "王建国", "139 1234 5678", case.number):
        assert not listed(query), query
