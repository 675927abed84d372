"""Calling the API as an integration (a token) or as staff (a session)."""

import itertools
import json

import pytest
from django.test import Client

from hotline.api.tokens import issue_token
from hotline.organisation.models import Unit, User

_keys = itertools.count()


class Api:
    """A client for /api/v1/ that sends a fresh Idempotency-Key per POST
    unless one is given."""

    def __init__(self, client: Client, headers: dict | None = None):
        self.client = client
        self.headers = headers or {}

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: dict | None = None, *, key: str | None = "fresh", **headers):
        if key == "fresh":
            key = f"test-{next(_keys)}"
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body or {}),
            content_type="application/json",
            headers={**self.headers, **headers},
        )


@pytest.fixture
def token():
    """token("city_dispatcher", "福州市信访局", ["accept"]) -> (ApiToken, key)

    Issued with the read scope "unit" (the unit's cases) unless `reads`
    says otherwise; issue_token's own default is "submitted"."""

    def issue(
        username: str,
        unit_name: str,
        actions: list[str],
        name: str = "integration",
        reads: str = "unit",
    ):
        return issue_token(
            actor=User.objects.get(username="admin"),
            name=name,
            user=User.objects.get(username=username),
            unit=Unit.objects.get(name=unit_name),
            actions=actions,
            reads=reads,
        )

    return issue


@pytest.fixture
def api_as(token):
    """api_as("city_dispatcher", "福州市信访局", ["accept"]): a token client."""

    def make(username: str, unit_name: str, actions: list[str] = (), reads: str = "unit"):
        _token, key = token(username, unit_name, list(actions), reads=reads)
        return Api(Client(), {"Authorization": f"Bearer {key}"})

    return make


@pytest.fixture
def staff_api():
    """staff_api("city_handler"): a logged-in session client."""

    def make(username: str, **client_kw):
        client = Client(**client_kw)
        client.force_login(User.objects.get(username=username))
        return Api(client)

    return make
