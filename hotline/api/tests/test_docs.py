"""The OpenAPI 3.1 document and the interactive docs, served locally."""

import re

from django.test import Client


def test_the_docs_load_nothing_from_another_host(db):
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io


def test_the_docs_assets_are_our_static_files():
    from django.contrib.staticfiles import finders

    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(asset), asset


def test_the_document_is_openapi_3_1_with_problems_and_idempotency_keys(db):
    document = Client().get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    accept = document["paths"]["/api/v1/cases/{number}/accept"]["post"]
    assert accept["operationId"] == "accept"
    (key,) = [p for p in accept["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["required"] and key["in"] == "header"
    assert set(accept["responses"]["409"]["content"]) == {"application/problem+json"}
    register = document["paths"]["/api/v1/cases"]["post"]
    assert "201" in register["responses"]
    assert register["requestBody"]["content"]["application/json"]["schema"]
    assert document["components"]["schemas"]["RegisterIn"]["examples"]


def test_every_staff_action_of_the_transition_table_has_an_endpoint(db):
    from hotline.cases.workflow import TRANSITIONS, Role

    document = Client().get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    staff_actions = {t.action for t in TRANSITIONS if t.role not in (Role.REQUESTER, Role.SYSTEM)}
    # Passing a part to a district bureau is a dispatch whose plan names the
    # district bureau, as on the workbench's dispatch page.
    assert staff_actions - {"pass_to_district"} <= operations
