"""A requester's details written oddly (an outside re-test of issue 12).

PostgreSQL refuses a value longer than its column (a server error, 500)
where SQLite keeps it, so the length is checked by the verbs after their
own changes to the text, for every way in: the intake page, the API,
Open311 and the portal. And one phone number is one number however its
digits are written, for the per-mobile limit, repeats and the SMS."""

import uuid

import pytest

from hotline.cases.actions import RequesterDetails
from hotline.cases.errors import InvalidInput
from hotline.cases.models import Case, Requester
from hotline.cases.repeats import normalise_phone

pytestmark = pytest.mark.django_db

# upper() makes "ß" two letters and "ﬃ" three: thirty of them, accepted
# as thirty characters, were stored as sixty or ninety.
GROWS = [("id_number", "ß" * 30), ("id_number", "ﬃ" * 30)]
LONG = [
    ("email", "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "cn"),  # a valid address of 258
    ("name", "张" * 101),
    ("address", "路" * 201),
]


@pytest.mark.parametrize(("field", "value"), GROWS + LONG)
def test_a_requester_detail_longer_than_its_column_is_invalid_input(flow, field, value):
    details = RequesterDetails(**{"name": "张三", "phone": "13805912345", field: value})
    with pytest.raises(InvalidInput) as refused:
        flow.phone_case(requester=details)
    assert refused.value.field == field
    assert not Case.objects.exists() and not Requester.objects.exists()


def test_a_location_longer_than_its_column_is_invalid_input(flow):
    with pytest.raises(InvalidInput) as refused:
        flow.web_case(location="路" * 201)
    assert refused.value.field == "location"


@pytest.mark.parametrize(("field", "value"), [*GROWS, LONG[0]])
def test_the_intake_page_answers_the_field_not_a_server_error(client, person, field, value):
    client.force_login(person("agent"))
    form = {
        "submission": str(uuid.uuid4()),
        "channel": "phone",
        "phone": "13805912345",
        "name": "张三",
        "kind": "person",
        "content": "路灯不亮，请处理。",
        "disclosure_allowed": "yes",
        "request_type": "help",
        field: value,
    }
    response = client.post("/intake/", form)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "written",
    [
        "13912345678",
        "１３９１２３４５６７８",  # full-width
        "١٣٩١٢٣٤٥٦٧٨",  # Arabic-Indic
        "१३९१२३४५६७८",  # Devanagari
        "13९१२३४५६७८",  # passes the portal's ^1[3-9]\d{9}$
        "+86 139-1234-5678",
        "0086 139 1234 5678",
        "(139) 1234.5678",
    ],
)
def test_one_mobile_however_its_digits_are_written(written):
    assert normalise_phone(written) == "13912345678"


def test_a_phone_in_other_digits_is_stored_in_ascii(flow):
    case = flow.web_case(requester=RequesterDetails(name="李四", phone="١٣٩٠٥٩١٠٠٠٠"))
    assert case.requester.phone == "13905910000"
