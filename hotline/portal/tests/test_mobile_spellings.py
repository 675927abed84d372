"""The per-mobile limit counts a mobile however its digits are written (an
outside re-test of issue 12): five Open311 posts to one phone, written in
full-width, Arabic-Indic and Devanagari digits, sent five SMS against a
limit of three, and stored the number in those digits."""

import pytest
from django.test import Client

from hotline.cases.models import Case
from hotline.open311.tests.conftest import issue_key

pytestmark = pytest.mark.django_db

SPELLINGS = [
    "13912345678",
    "１３９１２３４５６７８",
    "١٣٩١٢٣٤٥٦٧٨",
    "१३९१२३४५६७८",
    "0086 139 1234 5678",
]


def test_open311_posts_to_one_mobile_in_any_digits_get_the_limit():
    _token, key = issue_key()
    statuses = [
        Client()
        .post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": "CG",
                "address_string": "晋安区岳峰镇福新路",
                "description": f"第{i}件：福新路人行道地砖松动。",
                "phone": phone,
                "attribute[disclosure_allowed]": "yes",
            },
        )
        .status_code
        for i, phone in enumerate(SPELLINGS)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert set(Case.objects.values_list("requester__phone", flat=True)) == {"13912345678"}
