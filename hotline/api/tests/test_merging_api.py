"""Merging over the API (N4): merge into a lead, read it back, undo."""

from hotline.cases.actions import RequesterDetails
from hotline.cases.models import Case

CITY_BUREAU = "福州市信访局"


def _burst(flow, i):
    return flow.phone_case(
        "五四路水管爆裂，路面大量积水。",
        requester=RequesterDetails(name=f"市民{i}", phone=f"1380591{i:04d}"),
        location="鼓楼区五四路",
    )


def test_merge_and_unmerge_through_the_api_N4(db, clock, api_as, flow):
    clock("2026-11-26 10:00")
    lead, first, second = (_burst(flow, i) for i in range(3))
    dispatcher = api_as("city_dispatcher", CITY_BUREAU, ["merge", "unmerge"])
    merged = dispatcher.post(
        f"/cases/{lead.number}/merge",
        {"expected_version": lead.version, "cases": [first.number, second.number]},
    )
    assert merged.status_code == 200, merged.content
    assert merged.json()["merged_cases"] == [first.number, second.number]
    follower = dispatcher.get(f"/cases/{first.number}").json()
    assert follower["state"] == "merged" and follower["merged_into"] == lead.number

    undone = dispatcher.post(
        f"/cases/{first.number}/unmerge", {"expected_version": follower["version"]}
    )
    assert undone.status_code == 200, undone.content
    assert undone.json()["state"] == "screening" and undone.json()["merged_into"] is None
    assert Case.objects.get(pk=second.pk).merged_into_id == lead.pk


def test_merging_refusals_are_problems_not_errors_N4(db, clock, api_as, flow):
    clock("2026-11-26 10:00")
    lead = _burst(flow, 1)
    dispatcher = api_as("city_dispatcher", CITY_BUREAU, ["merge"])
    into_itself = dispatcher.post(
        f"/cases/{lead.number}/merge", {"expected_version": lead.version, "cases": [lead.number]}
    )
    assert into_itself.status_code in (400, 409, 422), into_itself.content
    unknown = dispatcher.post(
        f"/cases/{lead.number}/merge",
        {"expected_version": lead.version, "cases": ["FZ2026112699999"]},
    )
    assert unknown.status_code == 422, unknown.content
    assert unknown.json()["errors"][0]["field"] == "cases.0"


def test_merging_needs_its_token_scope_N4(db, clock, api_as, flow):
    clock("2026-11-26 10:00")
    lead, other = _burst(flow, 1), _burst(flow, 2)
    dispatcher = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    refused = dispatcher.post(
        f"/cases/{lead.number}/merge", {"expected_version": lead.version, "cases": [other.number]}
    )
    assert refused.status_code == 403


def test_the_merged_cases_numbers_are_checked_like_a_case_number_N4(db, clock, api_as, flow):
    # PostgreSQL refuses a NUL in a query's text: unchecked, it was a 500.
    from django.test import Client

    document = Client().get("/api/v1/openapi.json").json()
    items = document["components"]["schemas"]["MergeIn"]["properties"]["cases"]["items"]
    assert items.get("pattern") and items.get("maxLength") == 30
    clock("2026-11-26 10:00")
    lead = _burst(flow, 1)
    dispatcher = api_as("city_dispatcher", CITY_BUREAU, ["merge"])
    refused = dispatcher.post(
        f"/cases/{lead.number}/merge", {"expected_version": lead.version, "cases": ["FZ\x00"]}
    )
    assert refused.status_code == 422, refused.content
