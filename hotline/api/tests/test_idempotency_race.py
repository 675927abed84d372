"""Two requests with the same Idempotency-Key at the same moment, on two
real PostgreSQL connections: the key is claimed once, so the action happens
once; the other request hears 409 (still in progress) or the replay."""

import json
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from hotline.api.tokens import issue_token
from hotline.cases.models import Event
from hotline.cases.tests.conftest import Flow
from hotline.organisation.models import Unit, User

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="two connections racing for a key need PostgreSQL (CI runs it)",
    ),
]


def test_the_same_key_at_once_acts_once(committed_demo):
    case = Flow().phone_case()
    _token, key = issue_token(
        actor=User.objects.get(username="admin"),
        name="race",
        user=User.objects.get(username="city_dispatcher"),
        unit=Unit.objects.get(name="福州市信访局"),
        actions=["accept"],
        reads="unit",  # a dispatcher's integration reads its bureau's cases
    )
    barrier = threading.Barrier(2)
    answers = [None, None]

    def post(i):
        try:
            barrier.wait()
            reply = Client().post(
                f"/api/v1/cases/{case.number}/accept",
                json.dumps({"expected_version": case.version}),
                content_type="application/json",
                headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "race"},
            )
            answers[i] = (reply.status_code, reply.get("Idempotent-Replayed"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers) in ({(200, None), (409, None)}, {(200, None), (200, "true")})
    assert Event.objects.filter(case=case, action="accept").count() == 1
