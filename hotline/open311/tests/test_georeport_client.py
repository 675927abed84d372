"""A third-party Open311 client from PyPI (`georeport`) against a real
server on loopback: list the services, post a request, read it back, and
read it again once the hotline has answered and published it.

georeport 0.3.1 has no call for posting, so the post is the form the
specification defines, sent with `requests` (the client's own HTTP
library) to the client's root address with the client's api_key."""

import pytest
import requests
from georeport import GeoReport

from hotline.cases.models import Case
from hotline.cases.tests.conftest import Flow

from .conftest import issue_key, publish

pytestmark = pytest.mark.django_db(transaction=True)


def test_georeport_lists_services_posts_and_reads_back(live_server, committed_demo):
    _, key = issue_key()
    client = GeoReport(f"{live_server.url}/open311/v2", api_key=key)
    in_xml = GeoReport(client.root_address, output_format="xml")

    services = client.get_service_list()
    assert {"service_code": "CG", "service_name": "城市管理"}.items() <= services[0].items()
    assert [s["service_code"] for s in in_xml.get_service_list()] == [
        s["service_code"] for s in services
    ]
    definition = client.get_service_definition("CG")
    assert [a["code"] for a in definition["attributes"]] == ["disclosure_allowed"]

    response = requests.post(
        f"{client.root_address}/requests.json",
        data={
            "api_key": client.api_key,
            "service_code": "CG",
            "address_string": "晋安区岳峰镇福新路",
            "description": "福新路路灯不亮，晚上很黑。",
            "first_name": "娜娜",
            "last_name": "欧阳",
            "phone": "13712345678",
            "attribute[disclosure_allowed]": "yes",
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    number = response.json()[0]["service_request_id"]

    found = client.get_service_request(number)
    assert (found["service_request_id"], found["status"], found["service_code"]) == (
        number,
        "open",
        "CG",
    )
    assert found["description"] is None
    found = in_xml.get_service_request(number)
    assert (found["service_request_id"], found["status"]) == (number, "open")

    publish(Flow(), Case.objects.get(number=number), reply="已修复福新路路灯。")

    (found,) = client.get_service_requests(service_request_id=number)
    assert found["status"] == "closed" and found["status_notes"] == "已修复福新路路灯。"
    assert found["description"] == "福新路路灯不亮，晚上很黑。"
    listed = client.get_service_requests(status="closed", service_code="CG")
    assert number in [r["service_request_id"] for r in listed]
    assert "13712345678" not in response.text + str(listed)
