"""Reads say what they answer: an unknown query parameter is refused, never
silently ignored, and every time carries Fuzhou's +08:00 offset."""

import re

import pytest

from hotline.api.api import api

pytestmark = pytest.mark.django_db

GET_PATHS = sorted(
    path
    for path, methods in api.get_openapi_schema()["paths"].items()
    if "get" in methods and "{" not in path
)


# What a read needs before it can answer at all.
REQUIRED = {"/api/v1/calendar": {"start": "2026-12-01", "end": "2026-12-31"}}


def test_every_list_endpoint_is_checked():
    assert "/api/v1/cases" in GET_PATHS and "/api/v1/assignments" in GET_PATHS


@pytest.mark.parametrize("path", GET_PATHS)
def test_an_unknown_query_parameter_is_refused_on_every_read(staff_api, path):
    reader = staff_api("city_dispatcher")
    required = REQUIRED.get(path, {})
    answer = reader.get(path.removeprefix("/api/v1"), nonsense="1", **required)
    assert answer.status_code == 400, answer.content
    problem = answer.json()
    assert problem["code"] == "unknown_parameter"
    assert [e["field"] for e in problem["errors"]] == ["nonsense"]


def test_a_filter_the_case_list_does_not_have_is_refused(staff_api):
    """`?satisfaction=dissatisfied` once answered every case, unfiltered."""
    answer = staff_api("city_dispatcher").get("/cases", satisfaction="dissatisfied")
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json()["errors"]] == ["satisfaction"]


def test_known_parameters_still_answer(staff_api):
    reader = staff_api("city_dispatcher")
    assert reader.get("/cases", status="screening", limit=5).status_code == 200


OFFSET = re.compile(r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?([^"]*)"')


def test_every_time_in_a_case_and_its_timeline_is_in_fuzhou_time(staff_api, flow):
    case = flow.web_case()
    flow.accept(case)
    reader = staff_api("city_dispatcher")
    for path in (f"/cases/{case.number}", f"/cases/{case.number}/events", "/cases"):
        text = reader.get(path).content.decode()
        offsets = OFFSET.findall(text)
        assert offsets, path
        assert set(offsets) == {"+08:00"}, (path, set(offsets))
