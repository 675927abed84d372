"""POST /api/v1/suggestions: what the city's closed cases suggest for a
text, for a bureau's dispatcher (issue 18)."""

import io

import pytest

from hotline.cases import suggestions
from hotline.cases.importing import import_cases
from hotline.cases.tests.test_learned_suggestions import admin, history_csv

TEXT = {"text": "门口河道水质发黑发臭", "location": "晋安区"}


@pytest.fixture
def trained(db):
    import_cases(io.BytesIO(history_csv()), actor=admin(), file_name="old.csv")
    return suggestions.train_suggestions()


def test_a_dispatcher_s_token_gets_ranked_units_and_categories(trained, api_as):
    api = api_as("city_dispatcher", "福州市信访局", ["dispatch"])
    answer = api.post("/suggestions", TEXT, key=None)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["units"][0]["name"] == "福州市水利局"
    assert body["categories"][0]["code"] == "SL"
    assert body["units"][0]["score"] >= body["units"][-1]["score"]


def test_a_staff_session_acting_as_dispatcher_may_ask(trained, staff_api):
    answer = staff_api("city_dispatcher").post("/suggestions", TEXT)
    assert answer.status_code == 200
    assert answer.json()["units"][0]["name"] == "福州市水利局"


def test_without_a_model_the_lists_are_empty(db, api_as):
    api = api_as("city_dispatcher", "福州市信访局", ["dispatch"])
    assert api.post("/suggestions", TEXT).json() == {"categories": [], "units": []}


def test_a_token_without_dispatch_is_refused(db, api_as):
    api = api_as("city_dispatcher", "福州市信访局", ["accept"])
    assert api.post("/suggestions", TEXT).status_code == 403


def test_a_unit_s_handler_is_refused(db, staff_api):
    assert staff_api("city_handler").post("/suggestions", TEXT).status_code == 403


def test_an_empty_text_is_invalid(db, api_as):
    api = api_as("city_dispatcher", "福州市信访局", ["dispatch"])
    assert api.post("/suggestions", {"text": ""}).status_code == 422
