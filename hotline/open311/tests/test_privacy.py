"""D8, R9 across the whole Open311 surface: known personal details are
planted in cases at every stage, and every answer any endpoint gives is
searched for them. Internal, private, unpublished and still open cases do
not appear at all."""

import pytest

from hotline.cases.models import Case

from .conftest import CONTENT, PERSONAL, REPLY

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


def every_answer(client, numbers):
    """Each endpoint, each format, with and without filters, and each case
    asked for by its number, one at a time and all together."""
    asked = ",".join(numbers)
    paths = ["discovery", "services", "services/CG"]
    queries = [
        ("requests", {}),
        ("requests", {"status": "open"}),
        ("requests", {"status": "closed"}),
        ("requests", {"service_code": "CG,QT,HB"}),
        ("requests", {"start_date": "2026-01-01T00:00:00+08:00"}),
        ("requests", {"service_request_id": asked}),
    ]
    for fmt in ("json", "xml"):
        for path in paths:
            yield client.get(f"{BASE}/{path}.{fmt}")
        for path, query in queries:
            yield client.get(f"{BASE}/{path}.{fmt}", query)
        for number in numbers:
            yield client.get(f"{BASE}/requests/{number}.{fmt}")


def post(client, api_key) -> str:
    return client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": "CG",
            "address_string": "鼓楼区秘密巷18号",
            "description": CONTENT,
            "first_name": "娜娜",
            "last_name": "欧阳",
            "phone": "13712345678",
            "email": "nana.ouyang@example.com",
            "attribute[disclosure_allowed]": "yes",
        },
    ).json()[0]["service_request_id"]


def test_no_answer_carries_personal_data_or_a_hidden_case_D8(
    client, flow, api_key, published_case, hidden_cases
):
    posted = post(client, api_key)
    # Posted for publication, but the bureau judged it for internal handling (R6).
    judged_internal = Case.objects.get(number=post(client, api_key))
    flow.accept(judged_internal, mode="internal", reason=3)
    hidden = [c.number for c in (*hidden_cases, judged_internal)]
    numbers = [published_case.number, posted, *hidden]
    assert Case.objects.filter(number__in=numbers).count() == len(numbers)

    seen = []
    for response in every_answer(client, numbers):
        body = response.content.decode()
        for secret in (*PERSONAL, CONTENT, REPLY):
            assert secret not in body, (response.request, secret)
        if response.status_code == 200:
            seen.append(body)
        else:  # a hidden case is as unknown as one that never existed
            assert response.status_code == 404, body
    everything = "\n".join(seen)
    assert published_case.number in everything and posted in everything
    for number in hidden:
        assert number not in everything
    for fmt in ("json", "xml"):
        for number in hidden:
            assert client.get(f"{BASE}/requests/{number}.{fmt}").status_code == 404
