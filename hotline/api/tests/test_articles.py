"""N2: the knowledge base through the API. Published, current articles are
public: every token reads them, as reference data. A token reads its own
unit's unpublished articles only with the read scope "unit"; nobody else's."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hotline.knowledge.tests.factories import published_article
from hotline.knowledge.workflow import VersionState

from .conftest import Api

pytestmark = pytest.mark.django_db
POLICE = "福州市公安局"
CENTER = "鼓楼数据信息服务中心"


def _api(key):
    return Api(Client(), {"Authorization": f"Bearer {key}"})


def test_any_token_searches_published_articles_N2(token):
    version = published_article()
    _issued, key = token("agent", CENTER, ["register"], reads="submitted")
    found = _api(key).get("/articles", q="居住证快过期了要带啥去续").json()["items"]
    assert [a["version_id"] for a in found] == [version.pk]
    assert found[0]["unit"] == POLICE
    assert found[0]["current"] is True
    one = _api(key).get(f"/articles/{version.article_id}")
    assert one.status_code == 200
    assert one.json()["answer"] == version.answer


def test_no_token_reads_an_unpublished_withdrawn_or_expired_article_N2(token):
    today = timezone.localdate()
    hidden = [
        published_article(state=VersionState.DRAFT),
        published_article(state=VersionState.WITHDRAWN),
        published_article(state=VersionState.SUPERSEDED),
        published_article(review_by=today - timedelta(days=1)),
    ]
    _issued, key = token("agent", CENTER, ["register"], reads="unit")
    api = _api(key)
    assert api.get("/articles", q="居住证").json()["items"] == []
    assert api.get("/articles").json()["items"] == []
    assert api.get("/articles", drafts="true").json()["items"] == []
    for version in hidden:
        assert api.get(f"/articles/{version.article_id}").status_code == 404


def test_a_units_token_reads_its_own_drafts_only_with_the_unit_scope_N2(token):
    draft = published_article(state=VersionState.DRAFT, title="居住证签注新规定")
    handler = draft.article.unit.role_grants.filter(role="handler").first().user.username
    _issued, unit_key = token(handler, POLICE, [], reads="unit")
    found = _api(unit_key).get("/articles", q="居住证", drafts="true").json()["items"]
    assert [a["version_id"] for a in found] == [draft.pk]
    assert found[0]["state"] == "draft"
    assert _api(unit_key).get(f"/articles/{draft.article_id}", drafts="true").status_code == 200
    assert _api(unit_key).get(f"/articles/{draft.article_id}").status_code == 404

    _issued, narrow_key = token(handler, POLICE, [], name="narrow", reads="submitted")
    assert _api(narrow_key).get("/articles", q="居住证", drafts="true").json()["items"] == []


def test_another_units_drafts_are_never_read_N2(token):
    draft = published_article(state=VersionState.DRAFT)
    _issued, key = token("city_handler", "福州市城市管理委员会", [], reads="unit")
    assert _api(key).get("/articles", q="居住证", drafts="true").json()["items"] == []
    assert _api(key).get(f"/articles/{draft.article_id}", drafts="true").status_code == 404


def test_articles_need_a_caller_and_refuse_unknown_parameters_N2(token):
    published_article()
    assert Api(Client()).get("/articles").status_code == 401
    _issued, key = token("agent", CENTER, [], reads="submitted")
    assert _api(key).get("/articles", state="draft").status_code == 400
    assert _api(key).get("/articles", limit="500").status_code == 422
