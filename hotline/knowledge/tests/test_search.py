"""N2: finding the article for a caller's question, on SQLite and on
PostgreSQL (run with DATABASE_URL pointing at PostgreSQL for the other)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from hotline.knowledge.demo import load_demo_articles
from hotline.knowledge.search import find_articles, public_versions, search_articles
from hotline.knowledge.workflow import VersionState

from .factories import published_article
from .relevance_corpus import PAIRS

pytestmark = pytest.mark.django_db

# The bar: the right article among the first three for 90 %.
RELEVANCE_BAR = 0.9


def test_relevance_of_callers_questions_over_the_demo_articles_N2():
    """N2: questions phrased as callers speak find their article in the top 3."""
    load_demo_articles()
    today = timezone.localdate()
    misses = []
    for question, title in PAIRS:
        found = [v.title for v in find_articles(question, on=today, limit=3)]
        if title not in found:
            misses.append((question, title, found))
    share = 1 - len(misses) / len(PAIRS)
    print(f"\nrelevance ({connection.vendor}): {share:.0%} of {len(PAIRS)} in the top 3")
    for miss in misses:
        print("  missed:", *miss)
    assert share >= RELEVANCE_BAR


def test_a_long_rambling_question_finds_its_article_N2():
    published_article()
    published_article(
        title="驾驶证到期换证",
        question="驾照快到期了怎么换？",
        answer="通过交管12123申请换证。",
        keywords="驾驶证 换证",
    )
    asked = "喂你好，我想问一下啊，就是我那个居住证吧好像下个月就要到期了，我要带些什么东西去续啊"
    found = find_articles(asked, on=timezone.localdate())
    assert found[0].title == "居住证续签需要带什么材料"


def test_a_match_in_the_title_ranks_above_one_in_the_answer_N2():
    in_answer = published_article(
        title="办事指南",
        question="怎么办理？",
        answer="护照可在出入境大厅办理。",
        keywords="",
    )
    in_title = published_article(
        title="护照办理", question="出国要办什么？", answer="到出入境大厅申请。", keywords=""
    )
    found = find_articles("护照", on=timezone.localdate())
    assert [v.pk for v in found] == [in_title.pk, in_answer.pk]


def test_an_article_past_review_or_not_yet_effective_is_not_offered_N2():
    today = timezone.localdate()
    published_article(review_by=today - timedelta(days=1))
    published_article(effective_on=today + timedelta(days=1))
    assert find_articles("居住证续签", on=today) == []


def test_drafts_withdrawn_and_superseded_versions_are_not_found_N2():
    for state in (VersionState.DRAFT, VersionState.WITHDRAWN, VersionState.SUPERSEDED):
        published_article(state=state)
    assert find_articles("居住证续签", on=timezone.localdate()) == []
    assert search_articles("居住证续签", public=True) == []
    assert not public_versions().exists()


def test_a_unit_finds_its_own_drafts_beside_published_articles_N2(unit):
    draft = published_article(state=VersionState.DRAFT)
    public = published_article(title="居住证办理", unit="福州市教育局")
    police = unit("福州市公安局")
    found = search_articles("居住证", public=False, unit=police)
    assert {v.pk for v in found} == {draft.pk, public.pk}
    assert [v.pk for v in search_articles("居住证", public=False, unit=unit("福州市民政局"))] == [
        public.pk
    ]


def test_nothing_to_search_by_finds_nothing_N2():
    published_article()
    assert find_articles("  ，。？ ", on=timezone.localdate()) == []


def test_a_version_saved_again_is_found_by_its_new_text_N2():
    version = published_article()
    today = timezone.localdate()
    assert find_articles("居住证", on=today)
    version.title, version.question, version.answer, version.keywords = (
        "护照办理",
        "出国要办什么？",
        "到出入境大厅申请。",
        "护照",
    )
    from hotline.knowledge.search import article_index_text

    version.search_text = article_index_text(version)
    version.save()
    assert find_articles("居住证", on=today) == []
    assert [v.pk for v in find_articles("护照", on=today)] == [version.pk]
