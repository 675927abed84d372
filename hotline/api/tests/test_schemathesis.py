"""The served OpenAPI document, fuzzed: whatever schemathesis sends within
the document (a bounded number of examples per operation), the API answers
without a server error and as the document says."""

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from hotline.cases.tests.conftest import at
from hotline.cases.workflow import TRANSITIONS

CITY_BUREAU = "福州市信访局"


# Schema-valid requests may still name a unit that does not exist or an
# action the case's stage does not allow: those are refused with 422 and 409
# problems by design, so 422 counts as an acceptable answer to valid data.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
            }
        }
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
)


@pytest.fixture
def keep_connection():
    """Served through WSGI as in production, a request would end by closing
    the test's database connection; Django's own test client keeps it open
    the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def example_case(db, flow):
    """The documented example case number (FZ2026093000001) exists, so the
    examples reach real rows and not only 404s."""
    with time_machine.travel(at("2026-09-30 09:00"), tick=False):
        return flow.accept(flow.phone_case())


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, token, example_case, keep_connection):
    # Every action allowed, so that requests reach the verbs themselves.
    _token, key = token("city_dispatcher", CITY_BUREAU, [t.action for t in TRANSITIONS])
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"})
