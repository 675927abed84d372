"""Merging on the staff's pages (N4): the city dispatcher sees the requests
about the same matter beside a case and merges them in one action; the
lead lists every merged request's words (masked for masked roles); a
merged case says which case it follows, and may be taken out again."""

import pytest

from hotline.cases import actions
from hotline.cases.actions import RequesterDetails
from hotline.cases.models import Case
from hotline.cases.tests.conftest import staff

pytestmark = pytest.mark.django_db
PLACE = "鼓楼区五四路"


def _burst(flow, i, words="五四路水管爆裂，路面大量积水。"):
    return flow.phone_case(
        words,
        requester=RequesterDetails(name=f"王{i}明", phone=f"1380591{i:04d}"),
        location=PLACE,
    )


def test_the_dispatcher_merges_the_requests_about_one_matter_from_the_case_page_N4(
    client, flow, clock
):
    clock("2026-11-26 10:00")
    lead = _burst(flow, 1)
    others = [_burst(flow, 2, "五四路自来水管破了，水漫到马路上"), _burst(flow, 3)]
    client.force_login(flow.city_dispatcher)
    page = client.get(f"/cases/{lead.number}/").content.decode()
    assert 'data-testid="merge-candidates"' in page
    assert all(c.number in page for c in others)
    assert (
        'data-testid="merge-candidates"'
        in client.get(f"/cases/{lead.number}/screen/").content.decode()
    )

    merged = client.post(
        f"/cases/{lead.number}/merge/",
        {"expected_version": lead.version, "cases": [c.number for c in others]},
        follow=True,
    )
    page = merged.content.decode()
    assert 'data-testid="merged-requests"' in page and "水漫到马路上" in page
    assert {c.state for c in Case.objects.filter(pk__in=[c.pk for c in others])} == {"merged"}

    follower = client.get(f"/cases/{others[0].number}/").content.decode()
    assert 'data-testid="merged-into"' in follower and lead.number in follower
    assert "撤销并单" in follower


def test_a_stale_lead_page_merges_nothing_N4(client, flow, clock):
    clock("2026-11-26 10:00")
    lead, other = _burst(flow, 1), _burst(flow, 2)
    client.force_login(flow.city_dispatcher)
    response = client.post(
        f"/cases/{lead.number}/merge/",
        {"expected_version": lead.version + 5, "cases": [other.number]},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=other.pk).state == "screening"


def test_masked_roles_read_the_merged_requests_masked_N4(client, flow, clock):
    clock("2026-11-26 10:00")
    lead = _burst(flow, 1)
    other = _burst(flow, 2, "我是王2明，电话13805910002，五四路水管爆裂。")
    actions.merge_cases(actor=flow.city_dispatcher, lead=lead, cases=[other])
    client.force_login(staff("福州市效能办", "supervisor"))
    page = client.get(f"/cases/{lead.number}/")
    if page.status_code == 404:
        pytest.skip("the efficiency office does not see this case")
    text = page.content.decode()
    assert 'data-testid="merged-requests"' in text
    assert "13805910002" not in text and "王2明" not in text


def test_a_merged_requester_tracks_their_case_in_words_N4(client, flow, clock):
    clock("2026-11-26 10:00")
    lead = _burst(flow, 1)
    other = flow.web_case(
        "五四路水管爆裂。", requester=RequesterDetails(name="李四", phone="13905910000")
    )
    actions.merge_cases(actor=flow.city_dispatcher, lead=lead, cases=[other])
    number, code = other.number, other.query_code
    page = client.post("/portal/track/", {"number": number, "code": code}, follow=True)
    assert "与反映同一事项的其他诉求一并办理" in page.content.decode()
