"""The dispatch catalogue through the API (N5): read by every token, and
a dispatch against it refused without a reason."""

import pytest

from hotline.cases.tests.conftest import unit
from hotline.catalogue.demo import load_demo_catalogue

pytestmark = pytest.mark.django_db
CITY_BUREAU = "福州市信访局"


def test_every_token_reads_the_catalogue_in_force_N5(api_as, clock):
    clock("2026-12-01 09:00")
    reader = api_as("city_handler", "福州市城市管理委员会")
    assert reader.get("/catalogue").status_code == 404
    load_demo_catalogue()
    body = reader.get("/catalogue").json()
    assert body["version"] == 1 and body["effective_on"] == "2026-01-01"
    street = next(e for e in body["entries"] if e["street"] == "东街")
    assert street["district"] == "鼓楼区" and street["sub_matter"] == "占道经营"
    assert street["keywords"] == ["占道", "摆摊", "流动摊贩"]
    assert street["unit"]["name"] == "鼓楼区城市管理局"
    assert [u["name"] for u in street["co_units"]] == ["鼓楼区市场监督管理局"]
    assert reader.get("/catalogue", on="2025-12-31").status_code == 404
    assert reader.get("/catalogue", at="2026-01-01").status_code in (400, 422)


def test_a_dispatch_against_the_catalogue_needs_against_catalogue_N5(api_as, flow, clock):
    clock("2026-12-01 09:00")
    load_demo_catalogue()
    case = flow.phone_case(content="小区里垃圾无人清运。")
    flow.accept(case)
    api = api_as("city_dispatcher", CITY_BUREAU, ["dispatch"])
    elsewhere = {"sole": unit("福州市水利局").pk}
    case.refresh_from_db()
    version = case.version
    refused = api.post(
        f"/cases/{case.number}/dispatch", {"expected_version": version, "parts": [elsewhere]}
    )
    assert refused.status_code == 422, refused.content
    body = refused.json()
    assert body["errors"][0]["field"] == "against_catalogue"
    assert "福州市城市管理委员会" in body["errors"][0]["message"]
    sent = api.post(
        f"/cases/{case.number}/dispatch",
        {
            "expected_version": version,
            "parts": [{**elsewhere, "against_catalogue": "河道保洁属水利局。"}],
        },
    )
    assert sent.status_code == 200, sent.content
    event = case.events.get(action="dispatch")
    assert event.details["against_catalogue"] == "河道保洁属水利局。"
