"""The staff's search (issue 15): a caller asking "where is my case?" is
helped by the case number, their phone in any spelling, or their name; but
only roles that see requesters in full find cases by phone or name (D8),
and only among the cases they may see."""

import re

import pytest

from hotline.cases.actions import RequesterDetails
from hotline.cases.tests.conftest import staff

pytestmark = pytest.mark.django_db

REQUESTER = RequesterDetails(name="王小明", phone="13805912345")
PHONES = (
    "13805912345",
    "138 0591 2345",
    "138-0591-2345",
    "+86 138 0591 2345",
    "0086-13805912345",
    "１３８０５９１２３４５",
)


@pytest.fixture
def cases(flow, clock):
    clock("2026-11-26 10:00")
    mine = flow.phone_case(content="小区门口路灯不亮。", requester=REQUESTER)
    other = flow.phone_case(
        content="楼下噪音扰民。", requester=RequesterDetails(name="李四", phone="13905910000")
    )
    return mine, other


def listed(client, user, q):
    """The response to searching for `q`, and the case numbers it lists."""
    client.force_login(user)
    response = client.get("/cases/", {"q": q})
    page = response.content.decode()
    return response, re.findall(r'<a href="/cases/(\w+)/">', page)


@pytest.mark.parametrize("typed", ["{n}", "{n_lower}", " {n} ", "{digits}", "{wide}", "{spaced}"])
def test_a_case_number_opens_that_case(client, flow, cases, typed):
    """However the number is typed: lower case, full-width digits, spaces,
    without the prefix."""
    number = cases[0].number
    digits = number[2:]
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number)
    spaced = f"{number[:2]} {digits[:8]} {digits[8:]}"
    q = typed.format(n=number, n_lower=number.lower(), digits=digits, wide=wide, spaced=spaced)
    response, _ = listed(client, flow.city_dispatcher, q)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{number}/"


def test_a_case_number_the_unit_may_not_see_opens_nothing(client, cases):
    """Visibility: the Gulou bureau took no part in these cases."""
    response, page = listed(client, staff("鼓楼区信访局", "dispatcher"), cases[0].number)
    assert response.status_code == 200
    assert cases[0].number not in page


def test_a_supervisor_finds_a_case_by_its_number_too(client, cases):
    response, _ = listed(client, staff("福州市效能办", "supervisor"), cases[0].number)
    assert response["Location"] == f"/cases/{cases[0].number}/"


@pytest.mark.parametrize("phone", PHONES)
def test_a_requesters_phone_in_any_spelling_finds_their_cases_D8(client, flow, cases, phone):
    """D8: the dispatcher sees requesters in full, so finds them by phone."""
    mine, other = cases
    _, page = listed(client, flow.city_dispatcher, phone)
    assert mine.number in page and other.number not in page


def test_a_requesters_name_finds_their_cases_D8(client, flow, cases):
    mine, other = cases
    _, page = listed(client, flow.city_dispatcher, "王小明")
    assert mine.number in page and other.number not in page


@pytest.mark.parametrize("q", ["王小明", *PHONES])
def test_roles_that_see_requesters_masked_find_nothing_by_them_D8(client, cases, q):
    """D8: a supervisor sees every case of the city, the requester masked,
    and gets no hit from a requester's phone or name."""
    _, page = listed(client, staff("福州市效能办", "supervisor"), q)
    for case in cases:
        assert case.number not in page


def test_a_name_or_phone_finds_only_cases_the_unit_may_see_D8(client, cases):
    for q in ("王小明", "13805912345"):
        _, page = listed(client, staff("鼓楼区信访局", "dispatcher"), q)
        assert cases[0].number not in page, q


def test_the_requesters_own_cases_come_before_text_naming_them(client, flow, cases, clock):
    clock("2026-11-27 10:00")
    mention = flow.phone_case(content="王小明家门口路灯坏了。")
    _, page = listed(client, flow.city_dispatcher, "王小明")
    assert page == [cases[0].number, mention.number]


def test_words_still_search_the_text(client, flow, cases):
    mine, other = cases
    _, page = listed(client, flow.city_dispatcher, "路灯")
    assert mine.number in page and other.number not in page


def test_the_search_box_says_what_it_finds_for_the_role_D8(client, flow):
    client.force_login(flow.city_dispatcher)
    assert 'placeholder="关键词、诉求件编号、电话或姓名"' in client.get("/cases/").content.decode()
    client.force_login(staff("福州市效能办", "supervisor"))
    assert 'placeholder="关键词或诉求件编号"' in client.get("/cases/").content.decode()
