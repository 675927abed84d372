"""D8 on every public surface: each variant of the masking corpus
(hotline/cases/tests/masking_corpus.py) is written into published cases -
their content, location and reply - and must not be readable on the
portal's list, detail and search pages, in Open311 JSON and XML (list and
single), nor be found through the public search index.

The cases are made once for the module (a few variants to a case, each
case one kind of detail of one requester) and every test reads them."""

import html
import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest
from django.core.cache import cache
from django.db import transaction

from hotline.cases.models import Case
from hotline.cases.publication import published_cases
from hotline.cases.search import search
from hotline.cases.tests.conftest import Flow
from hotline.cases.tests.masking_corpus import REQUESTERS, corpus, leaks, squeeze

CGW = "福州市城市管理委员会"
PER_CASE = 5
CORPUS = corpus()


def _batches():
    grouped = defaultdict(list)
    for variant in CORPUS:
        grouped[(variant.requester, variant.kind)].append(variant)
    for (key, _), variants in grouped.items():
        for i in range(0, len(variants), PER_CASE):
            yield key, variants[i : i + PER_CASE]


def _publish(flow: Flow, key: str, variants) -> Case:
    written = "；".join(v.text for v in variants)
    case = flow.phone_case(
        content=f"反映：{written}。",
        requester=REQUESTERS[key],
        location=variants[0].text[:200],
    )
    assignment = flow.to(case, CGW)
    flow.handle(assignment, reply=f"已联系{written}，已处理。")
    flow.review(assignment.part)
    return flow.close(case)


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker):
    """{case number: the variants in it}. Made once in a transaction that
    lasts the module (each test runs in a savepoint inside it, as Django's
    setUpTestData does) and is rolled back after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            flow = Flow()
            yield {_publish(flow, key, variants).number: variants for key, variants in _batches()}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def fresh_limits(db):
    cache.clear()


def _strings(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def _text(response) -> str:
    """What a reader of the response sees: the text of HTML, the strings of
    JSON (not their \\u escapes), the text of XML."""
    assert response.status_code == 200, response.content[:300]
    kind = response["Content-Type"]
    body = response.content.decode()
    if "json" in kind:
        return "\n".join(_strings(json.loads(body)))
    if "xml" in kind:
        return "\n".join(ET.fromstring(body).itertext())
    return html.unescape(re.sub(r"<[^>]+>", "\n", body))


def _check(found, where, text, variants):
    for variant in variants:
        if leaked := leaks(text, variant):
            found.append((where, variant.kind, variant.text, leaked))


def _portal_list(client) -> list[str]:
    pages, query = [], {}
    while True:
        response = client.get("/portal/published/", query)
        pages.append(_text(response))
        following = re.search(r'href="\?([^"]+)" rel="next"', response.content.decode())
        if not following:
            return pages
        query = dict(re.findall(r"([^&=]+)=([^&]*)", html.unescape(following.group(1))))
        query = {k: v.replace("%3A", ":").replace("%2B", "+") for k, v in query.items()}


@pytest.mark.django_db
def test_the_corpus_is_in_published_cases(published):
    assert sum(len(v) for v in published.values()) == len(CORPUS) >= 200
    assert published_cases().filter(number__in=published).count() == len(published)


@pytest.mark.django_db
def test_no_variant_is_readable_on_the_portal_D8(client, published):
    """D8: the published list (every page), each case's page."""
    found = []
    listing = "\n".join(_portal_list(client))
    for number in published:
        assert number in listing
    _check(found, "portal list", listing, CORPUS)
    for number, variants in published.items():
        page = _text(client.get(f"/portal/published/{number}/"))
        assert "反映" in page
        _check(found, f"portal detail {number}", page, variants)
    assert not found, found


@pytest.mark.django_db
def test_no_variant_is_readable_in_open311_json_or_xml_D8(client, published):
    """D8: GET requests and GET requests/<id>, in both formats."""
    found = []
    numbers = list(published)
    for fmt in ("json", "xml"):
        listing = _text(client.get(f"/open311/v2/requests.{fmt}"))
        for number in numbers:
            assert number in listing
        _check(found, f"open311 list {fmt}", listing, CORPUS)
        ids = {"service_request_id": ",".join(numbers)}
        asked = _text(client.get(f"/open311/v2/requests.{fmt}", ids))
        _check(found, f"open311 by ids {fmt}", asked, CORPUS)
        for number, variants in published.items():
            single = _text(client.get(f"/open311/v2/requests/{number}.{fmt}"))
            assert number in single
            _check(found, f"open311 {number}.{fmt}", single, variants)
    assert not found, found


@pytest.mark.django_db
def test_no_variant_finds_a_case_through_public_search_D8(client, published):
    """D8: searching a phone, ID number, e-mail, name or address in any
    spelling finds nothing, on the portal and in the index itself, and the
    index holds no readable form of any."""
    found = []
    for variant in CORPUS:
        hits = search(published_cases(), variant.text).filter(number__in=published)
        if hits.exists():
            found.append(("index search", variant.kind, variant.text, list(hits)))
        page = client.get("/portal/published/", {"q": variant.text}).content.decode()
        if 'data-testid="record"' in page:
            found.append(("portal search", variant.kind, variant.text))
    for case in Case.objects.filter(number__in=published):
        readable = squeeze(case.search_text)
        for variant in published[case.number]:
            leaked = [s for s in variant.secrets if s in readable]
            if leaked:
                found.append(("index text", variant.kind, variant.text, leaked))
    assert not found, found
