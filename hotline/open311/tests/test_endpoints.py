"""Open311 GeoReport v2 through Django's test client: every endpoint in
JSON and XML, the GET requests filters, posting, and the error lists."""

import json
from datetime import datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client

from hotline.api.tokens import revoke_token
from hotline.cases.models import Case, Category
from hotline.open311 import views
from hotline.organisation.models import User

from .conftest import CGW, issue_key, publish

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


def get(client, path, **query):
    return client.get(f"{BASE}/{path}", query)


def as_json(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def as_xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def xml_requests(response):
    root = as_xml(response)
    assert root.tag == "service_requests"
    return [{child.tag: child.text for child in item} for item in root.findall("request")]


def post(client, fmt="json", **fields):
    data = {
        "service_code": "CG",
        "address_string": "晋安区岳峰镇福新路",
        "description": "福新路人行道地砖松动，雨天溅水。",
        "phone": "13912345678",
        "attribute[disclosure_allowed]": "yes",
        **fields,
    }
    return client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in data.items() if v is not None})


# Discovery and services ----------------------------------------------------


def test_discovery_names_the_v2_endpoint_and_both_formats(client):
    found = as_json(get(client, "discovery.json"))
    endpoint = found["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = as_xml(get(client, "discovery.xml"))
    assert root.tag == "discovery"
    formats = root.findall("endpoints/endpoint/formats/format")
    assert [f.text for f in formats] == ["text/xml", "application/json"]


def test_services_are_the_active_categories(client):
    Category.objects.filter(code="QT").update(is_active=False)
    services = as_json(get(client, "services.json"))
    assert {"service_code": "CG", "service_name": "城市管理"}.items() <= services[0].items()
    assert services[0]["metadata"] is True and services[0]["type"] == "realtime"
    codes = [s["service_code"] for s in services]
    assert "CG" in codes and "QT" not in codes
    root = as_xml(get(client, "services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == codes
    assert root.find("service/metadata").text == "true"


def test_a_service_definition_asks_whether_the_request_may_be_published(client):
    found = as_json(get(client, "services/CG.json"))
    assert found["service_code"] == "CG"
    (attribute,) = found["attributes"]
    assert attribute["code"] == "disclosure_allowed" and attribute["required"] is True
    assert [v["key"] for v in attribute["values"]] == ["yes", "no"]
    root = as_xml(get(client, "services/CG.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/datatype") == "singlevaluelist"
    assert [k.text for k in root.findall("attributes/attribute/values/value/key")] == [
        "yes",
        "no",
    ]


def test_an_unknown_service_is_a_404_error_list_in_either_format(client):
    response = get(client, "services/NOPE.json")
    assert response.status_code == 404
    assert as_json(response) == [{"code": 404, "description": "service_code NOPE was not found."}]
    response = get(client, "services/NOPE.xml")
    assert response.status_code == 404
    root = as_xml(response)
    assert root.tag == "errors" and root.findtext("error/code") == "404"


def test_unknown_resources_and_methods_answer_in_the_open311_shape(client):
    response = get(client, "nothing.xml")
    assert response.status_code == 404 and as_xml(response).tag == "errors"
    response = client.delete(f"{BASE}/services.json")
    assert response.status_code == 405 and as_json(response)[0]["code"] == 405
    response = client.put(f"{BASE}/requests.json")
    assert response.status_code == 405


# Reading requests ----------------------------------------------------------


def test_a_published_case_is_listed_as_the_portal_publishes_it_R9_D8(client, published_case):
    (found,) = as_json(get(client, "requests.json"))
    case = published_case
    assert found["service_request_id"] == case.number
    assert found["status"] == "closed"
    assert found["service_code"] == "CG" and found["service_name"] == "城市管理"
    assert found["agency_responsible"] == CGW
    assert "已更换损坏灯具" in found["status_notes"] and "欧***" in found["status_notes"]
    assert "路灯损坏一个月" in found["description"]
    assert found["address"] == "[已隐去]附近"
    assert found["requested_datetime"].endswith("+08:00")
    assert found["updated_datetime"] == case.closed_at.astimezone(views.SHANGHAI).isoformat(
        timespec="seconds"
    )
    (item,) = xml_requests(get(client, "requests.xml"))
    assert item["service_request_id"] == case.number
    assert item["status_notes"] == found["status_notes"]
    assert item["lat"] is None and item["media_url"] is None


def test_a_published_case_is_read_by_its_id(client, published_case):
    number = published_case.number
    (found,) = as_json(get(client, f"requests/{number}.json"))
    assert found["service_request_id"] == number and found["status"] == "closed"
    (item,) = xml_requests(get(client, f"requests/{number}.xml"))
    assert item["status"] == "closed"
    response = get(client, "requests/FZ2000010100001.json")
    assert response.status_code == 404
    assert as_json(response)[0]["description"] == (
        "service_request_id FZ2000010100001 was not found."
    )


def test_service_request_id_lists_several_and_overrides_the_other_filters(
    client, flow, published_case
):
    other = publish(flow, flow.phone_case(content="南门兜井盖缺失，夜间危险。"))
    numbers = f"{other.number},FZ2000010100001,{published_case.number}"
    found = as_json(get(client, "requests.json", service_request_id=numbers, status="open"))
    assert [r["service_request_id"] for r in found] == [other.number, published_case.number]


def test_filters_by_service_code_status_and_dates(client, flow, clock):
    clock("2026-11-02 10:00")
    older = publish(flow, flow.phone_case(content="南门兜井盖缺失，夜间危险。"))
    clock("2026-11-20 10:00")
    newer = publish(flow, flow.phone_case(content="五一路噪音扰民。"))

    def numbers(**query):
        response = get(client, "requests.json", **query)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in as_json(response)]

    assert numbers() == [newer.number, older.number]
    assert numbers(service_code="CG,JT") == [newer.number, older.number]
    assert numbers(service_code="JT") == []
    assert numbers(status="closed") == [newer.number, older.number]
    assert numbers(status="open") == []
    assert numbers(start_date="2026-11-10T00:00:00+08:00") == [newer.number]
    assert numbers(end_date="2026-11-10T00:00:00Z") == [older.number]
    assert numbers(start_date="2026-11-01", end_date="2026-11-03") == [older.number]
    # "+" sent unescaped in a query string arrives as a space
    assert numbers(start_date="2026-11-10T00:00:00 08:00") == [newer.number]


def test_the_default_window_is_the_last_90_days(client, flow, clock):
    clock("2026-07-01 10:00")
    old = publish(flow, flow.phone_case())
    clock("2026-11-20 10:00")
    assert as_json(get(client, "requests.json")) == []
    found = as_json(get(client, "requests.json", start_date="2026-06-30T00:00:00+08:00"))
    assert [r["service_request_id"] for r in found] == [old.number]


def test_at_most_the_limit_is_returned_newest_first(client, flow, monkeypatch):
    publish(flow, flow.phone_case())
    newest = publish(flow, flow.phone_case(content="五一路噪音扰民。"))
    monkeypatch.setattr(views, "LIMIT", 1)
    found = as_json(get(client, "requests.json"))
    assert [r["service_request_id"] for r in found] == [newest.number]


def test_limit_asks_for_fewer_newest_first(client, flow):
    older = publish(flow, flow.phone_case())
    newest = publish(flow, flow.phone_case(content="五一路噪音扰民。"))
    found = as_json(get(client, "requests.json", limit="1"))
    assert [r["service_request_id"] for r in found] == [newest.number]
    found = as_json(get(client, "requests.json", limit="2"))
    assert [r["service_request_id"] for r in found] == [newest.number, older.number]


def test_listing_costs_the_same_queries_for_one_case_or_many(client, flow):
    """At 1000 results a query per case would be thousands per request."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(path, **query):
        cache.clear()  # counted as read, not as kept
        with CaptureQueriesContext(connection) as captured:
            assert get(client, path, **query).status_code == 200
        return len(captured)

    first = publish(flow, flow.phone_case())
    one = queries("requests.json"), queries("requests.json", service_request_id=first.number)
    more = [publish(flow, flow.phone_case(content=f"第{i}处路灯损坏。")) for i in range(3)]
    numbers = ",".join(c.number for c in [first, *more])
    assert len(as_json(get(client, "requests.json"))) == 4
    assert (queries("requests.json"), queries("requests.json", service_request_id=numbers)) == one


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "pending"}, "status must be open, closed or both, comma delimited."),
        ({"service_code": "CG,NOPE"}, "service_code NOPE was not found."),
        ({"start_date": "yesterday"}, "start_date must be a W3C date-time"),
        ({"end_date": "2026-13-01"}, "end_date must be a W3C date-time"),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "no more than 90 days",
        ),
        (
            {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
            "end_date must follow start_date",
        ),
        # Moments whose default window or UTC time falls outside the calendar.
        ({"start_date": "9999-12-31"}, "start_date is out of range"),
        ({"end_date": "0001-01-01"}, "end_date is out of range"),
        ({"start_date": "0001-01-01"}, "start_date is out of range"),
        ({"end_date": "9999-12-31T23:59:59-12:00"}, "end_date is out of range"),
        ({"limit": "0"}, "limit must be a whole number from 1 to 1000."),
        ({"limit": "1001"}, "limit must be a whole number from 1 to 1000."),
        ({"limit": "ten"}, "limit must be a whole number from 1 to 1000."),
        ({"limit": "１０"}, "limit must be a whole number from 1 to 1000."),
        ({"limit": "-5"}, "limit must be a whole number from 1 to 1000."),
    ],
)
def test_bad_filters_are_400_errors(client, query, message):
    response = get(client, "requests.json", **query)
    assert response.status_code == 400
    (error,) = as_json(response)
    assert error["code"] == 400 and message in error["description"]
    response = get(client, "requests.xml", **query)
    assert response.status_code == 400 and message in as_xml(response).findtext("error/description")


# Posting -------------------------------------------------------------------


def test_posting_makes_an_api_case_at_the_city_bureau_R2(client, api_key):
    response = post(
        client,
        api_key=api_key,
        first_name="娜娜",
        last_name="欧阳",
        email="nana@example.com",
        lat="26.0745",
        long="119.2965",
    )
    assert response.status_code == 200
    (created,) = as_json(response)
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    case = Case.objects.get(number=created["service_request_id"])
    assert case.channel == "api" and case.state == "screening"
    assert case.category.code == "CG" and case.disclosure_allowed is True
    assert case.location == "晋安区岳峰镇福新路 26.074500,119.296500"
    assert case.content == "福新路人行道地砖松动，雨天溅水。"
    assert (case.requester.name, case.requester.phone) == ("欧阳娜娜", "13912345678")
    assert case.requester.email == "nana@example.com"
    assert case.messages.get(kind="acknowledgement").recipient == "13912345678"


def test_posting_in_xml_answers_in_xml(client, api_key):
    response = post(client, "xml", api_key=api_key, media_url="https://example.com/p/1.jpg")
    assert response.status_code == 200
    (item,) = xml_requests(response)
    case = Case.objects.get(number=item["service_request_id"])
    assert case.content.endswith("\nhttps://example.com/p/1.jpg")
    assert "token" not in item


def test_a_posted_request_reads_back_with_status_and_service_only_D8(client, api_key):
    number = as_json(post(client, api_key=api_key))[0]["service_request_id"]
    (found,) = as_json(get(client, f"requests/{number}.json"))
    assert found["service_request_id"] == number
    assert (found["status"], found["service_code"], found["service_name"]) == (
        "open",
        "CG",
        "城市管理",
    )
    assert found["requested_datetime"].endswith("+08:00") and found["updated_datetime"]
    assert found["description"] is None and found["address"] is None
    assert found["status_notes"] is None and found["agency_responsible"] is None
    # Not yet published: it is not in the list of requests.
    assert as_json(get(client, "requests.json")) == []


def test_a_posted_request_the_requester_keeps_private_is_not_shown(client, api_key):
    response = post(client, api_key=api_key, **{"attribute[disclosure_allowed]": "no"})
    number = as_json(response)[0]["service_request_id"]
    assert Case.objects.get(number=number).disclosure_allowed is False
    assert get(client, f"requests/{number}.json").status_code == 404


def test_csrf_does_not_apply_to_the_api_key_post(api_key):
    response = post(Client(enforce_csrf_checks=True), api_key=api_key)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"api_key": None}, 403, "Missing or invalid api_key."),
        ({"api_key": "hl_nope_nope"}, 403, "Missing or invalid api_key."),
        ({"service_code": None}, 400, "service_code was not provided."),
        ({"service_code": "NOPE"}, 404, "service_code NOPE was not found."),
        ({"address_string": None}, 400, "A location is required"),
        ({"address_string": None, "address_id": "A1"}, 400, "address_id is not supported"),
        ({"lat": "26.07"}, 400, "lat and long must both be given"),
        ({"lat": "north", "long": "119.3"}, 400, "lat and long must both be given"),
        ({"attribute[disclosure_allowed]": None}, 400, "is required: yes or no"),
        ({"attribute[disclosure_allowed]": "maybe"}, 400, "is required: yes or no"),
        ({"attribute[colour]": "red"}, 400, "Unknown attribute: colour."),
        ({"description": ""}, 400, "Please enter what the request is about."),
        ({"description": "长" * 4001}, 400, "description is limited to 4000 characters."),
        ({"phone": None}, 400, "A phone number is needed"),
        ({"phone": "12345"}, 400, "This phone number is not valid."),
        ({"email": "not-an-address"}, 400, "email is not a valid email address."),
        # Valid to the validator, longer than the column (a 500 on PostgreSQL).
        ({"email": "a" * 250 + "@example.com"}, 400, "email is limited to 254 characters."),
        ({"media_url": "file:///etc/passwd"}, 400, "media_url must be an http or https URL."),
    ],
)
def test_bad_posts_are_refused_with_an_error_list(client, api_key, fields, status, message):
    fields = {"api_key": api_key, **fields}
    before = Case.objects.count()
    for fmt in ("json", "xml"):
        response = post(client, fmt, **fields)
        assert response.status_code == status
        if fmt == "json":
            descriptions = [e["description"] for e in as_json(response)]
            assert {e["code"] for e in as_json(response)} == {status}
        else:
            descriptions = [e.text for e in as_xml(response).iter("description")]
        assert any(message in d for d in descriptions), descriptions
    assert Case.objects.count() == before


def test_a_revoked_key_or_one_without_submit_online_is_refused_403(client):
    token, key = issue_key()
    revoke_token(actor=User.objects.get(username="admin"), token=token)
    response = post(client, api_key=key)
    assert response.status_code == 403
    assert as_json(response) == [{"code": 403, "description": "Missing or invalid api_key."}]
    _, reader = issue_key(actions=("accept",))
    response = post(client, "xml", api_key=reader)
    assert response.status_code == 403
    assert as_xml(response).findtext("error/description") == (
        "This api_key may not post service requests."
    )


def test_a_window_longer_than_90_days_is_refused_even_by_one_second(client):
    start = "2026-08-01T00:00:00+08:00"
    end = (datetime.fromisoformat(start) + timedelta(days=90, seconds=1)).isoformat()
    assert get(client, "requests.json", start_date=start, end_date=end).status_code == 400


def test_a_nul_character_is_a_400_error_not_a_server_error(client, api_key):
    """PostgreSQL cannot take NUL in a query or a text column."""
    for response in (
        get(client, "requests.json", service_code="CG\x00"),
        get(client, "requests.json", service_request_id="FZ\x00"),
        client.get(f"{BASE}/requests/FZ%00.json"),
        client.get(f"{BASE}/services/C%00G.json"),
        post(client, api_key=api_key, description="路灯\x00损坏"),
    ):
        assert response.status_code == 400, response.content
        (error,) = as_json(response)
        assert error["description"] == "The NUL character is not allowed."
    assert not Case.objects.exists()


def test_a_post_over_the_upload_limit_is_an_open311_error(client, api_key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, api_key=api_key, description="长" * 1000)
    assert response.status_code == 400
    assert as_json(response) == [{"code": 400, "description": "The request is too large."}]
    assert not Case.objects.exists()


def test_a_list_is_kept_until_a_case_is_published_and_unchanged_is_a_304(client, flow):
    """Issue 14: polling clients and a crowd read the list from the cache
    (one query, the publication mark) and may ask with If-None-Match; a
    case published since shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = publish(flow, flow.phone_case())
    response = get(client, "requests.json")
    tag = response["ETag"]
    with CaptureQueriesContext(connection) as kept:
        again = get(client, "requests.json")
    assert as_json(again) == as_json(response) and len(kept) == 1
    unchanged = client.get(f"{BASE}/requests.json", headers={"if-none-match": tag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    second = publish(flow, flow.phone_case(content="五一路噪音扰民。"))
    fresh = client.get(f"{BASE}/requests.json", headers={"if-none-match": tag})
    assert fresh.status_code == 200 and fresh["ETag"] != tag
    assert [r["service_request_id"] for r in as_json(fresh)] == [second.number, first.number]
