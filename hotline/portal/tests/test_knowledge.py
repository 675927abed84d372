"""N2: the public reads and searches the knowledge base on the portal;
nothing unpublished, withdrawn, superseded or past review is ever shown."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hotline.knowledge.search import article_index_text
from hotline.knowledge.tests.factories import published_article
from hotline.knowledge.workflow import VersionState

pytestmark = pytest.mark.django_db


def hidden_versions():
    today = timezone.localdate()
    return [
        published_article(title="草稿文章居住证", state=VersionState.DRAFT),
        published_article(title="已撤回文章居住证", state=VersionState.WITHDRAWN),
        published_article(title="旧版本文章居住证", state=VersionState.SUPERSEDED),
        published_article(title="过期文章居住证", review_by=today - timedelta(days=1)),
        published_article(title="未生效文章居住证", effective_on=today + timedelta(days=3)),
    ]


def test_the_public_searches_and_reads_a_published_article_N2(client):
    version = published_article()
    page = client.get(reverse("portal-knowledge"), {"q": "我的居住证快过期了怎么续"})
    assert page.status_code == 200
    assert "居住证续签需要带什么材料" in page.text
    detail = client.get(reverse("portal-knowledge-detail", args=[version.article_id]))
    assert detail.status_code == 200
    assert "到居住地派出所户籍窗口办理" in detail.text
    assert "福州市公安局" in detail.text


def test_the_list_without_a_question_shows_current_articles_N2(client):
    published_article()
    page = client.get(reverse("portal-knowledge"))
    assert "居住证续签需要带什么材料" in page.text


def test_unpublished_withdrawn_superseded_or_expired_is_never_shown_N2(client):
    hidden = hidden_versions()
    for params in ({}, {"q": "居住证"}):
        page = client.get(reverse("portal-knowledge"), params)
        for version in hidden:
            assert version.title not in page.text
    suggested = client.get(reverse("portal-suggested-articles"), {"content": "居住证"})
    for version in hidden:
        assert version.title not in suggested.text
        detail = client.get(reverse("portal-knowledge-detail", args=[version.article_id]))
        assert detail.status_code == 404


def test_a_new_version_replaces_the_old_one_on_the_public_page_N2(client):
    version = published_article()
    url = reverse("portal-knowledge-detail", args=[version.article_id])
    assert "当场受理" in client.get(url).text
    version.answer = "携带身份证到派出所办理，可预约。"
    version.search_text = article_index_text(version)
    version.save()
    assert "可预约" in client.get(url).text


def test_the_submit_page_suggests_articles_as_the_person_types_N2(client):
    published_article()
    page = client.get(reverse("portal-submit"))
    assert 'id="suggested-articles"' in page.text
    assert reverse("portal-suggested-articles") in page.text
    # Without scripts, a link to the common questions.
    assert "<noscript>" in page.text
    suggested = client.get(
        reverse("portal-suggested-articles"), {"content": "居住证到期了要带什么去续"}
    )
    assert suggested.status_code == 200
    assert "居住证续签需要带什么材料" in suggested.text
    empty = client.get(reverse("portal-suggested-articles"), {"content": ""})
    assert "居住证" not in empty.text


def test_searches_are_limited_per_address_N2(client, monkeypatch):
    published_article()
    monkeypatch.setitem(settings.HOTLINE_RATE_LIMITS, "knowledge-address", (2, 3600))
    url = reverse("portal-knowledge")
    assert client.get(url, {"q": "居住证"}).status_code == 200
    assert client.get(url, {"q": "续签"}).status_code == 200
    refused = client.get(url, {"q": "材料"})
    assert refused.status_code == 429
    assert "请" in refused.text or "Too many" in refused.text


@pytest.mark.parametrize("bad", ["99999999999999999999999", "0"])
def test_an_unknown_article_is_not_found_N2(client, bad):
    assert client.get(f"/portal/knowledge/{bad}/").status_code == 404


def test_odd_questions_are_answered_not_failed_N2(client):
    published_article()
    for asked in ["\x00", "'\"&|!():*", "a" * 5000, "居住证 OR AND NOT"]:
        page = client.get(reverse("portal-knowledge"), {"q": asked})
        assert page.status_code == 200
