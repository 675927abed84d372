"""The demo's knowledge base (N2): articles of the Fuzhou units, loaded as
published, current versions with the history their publication would have
left (drafted by the unit's handler, approved by its leader, published by
the city petition bureau's reviewer)."""

import json
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from hotline.cases.models import Category
from hotline.organisation.demo import CITY_BUREAU
from hotline.organisation.models import RoleGrant, Unit

from .models import Article, ArticleEvent, ArticleVersion
from .search import article_index_text
from .workflow import VersionState

DEMO_ARTICLES = Path(__file__).resolve().parent / "data" / "demo_articles.json"
# A year to the next review unless the article says otherwise.
REVIEW_DAYS = 365


def demo_articles() -> list[dict]:
    return json.loads(DEMO_ARTICLES.read_text(encoding="utf-8"))


def _person(unit: Unit, role: str):
    grant = RoleGrant.objects.filter(unit=unit, role=role).select_related("user").first()
    return grant.user if grant else None


@transaction.atomic
def load_demo_articles() -> list[ArticleVersion]:
    """Every demo article, published today (the demo organisation and
    categories must be loaded first)."""
    now = timezone.now()
    today = timezone.localdate()
    units = {u.name: u for u in Unit.objects.all()}
    categories = {c.code: c for c in Category.objects.all()}
    reviewer = _person(units[CITY_BUREAU], "reviewer")
    loaded = []
    for row in demo_articles():
        unit = units[row["unit"]]
        handler, leader = _person(unit, "handler"), _person(unit, "leader")
        article = Article.objects.create(unit=unit, created_at=now)
        version = ArticleVersion(
            article=article,
            number=1,
            title=row["title"],
            question=row["question"],
            answer=row["answer"],
            keywords=row.get("keywords", ""),
            category=categories.get(row.get("category")),
            effective_on=today - timedelta(days=30),
            review_by=today + timedelta(days=row.get("review_days", REVIEW_DAYS)),
            state=VersionState.PUBLISHED,
            drafted_by=handler,
            drafted_at=now,
            approved_by=leader,
            approved_at=now,
            reviewed_by=reviewer,
            reviewed_at=now,
        )
        version.search_text = article_index_text(version)
        version.save()
        article.published_version = version
        article.save(update_fields=["published_version"])
        for action, actor, at_unit in (
            ("draft_article", handler, unit),
            ("submit_article", handler, unit),
            ("approve_article", leader, unit),
            ("publish_article", reviewer, units[CITY_BUREAU]),
        ):
            ArticleEvent.objects.create(
                article=article, version=version, action=action, actor=actor, unit=at_unit, at=now
            )
        loaded.append(version)
    return loaded


# Calls the demo's agent answered from the knowledge base (N3), so the
# dashboard's direct answers and the cited articles have something to show.
DEMO_DIRECT_ANSWERS = [
    (
        "居住证续签（签注）需要带哪些材料",
        "13805910021",
        "我居住证快到期了，续签要带什么？",
        "satisfied",
    ),
    ("驾驶证到期换证", "13905910022", "驾照下个月到期，换证去哪里办？", ""),
    ("公交线路和实时到站查询", "13705910023", "怎么查公交车几分钟到站？", "dissatisfied"),
]


def load_demo_direct_answers(versions: list[ArticleVersion]) -> list:
    from hotline.cases import actions
    from hotline.cases.actions import RequesterDetails
    from hotline.organisation.models import User

    agent = User.objects.get(username="agent")
    by_title = {version.title: version for version in versions}
    answered = []
    for title, phone, question, satisfaction in DEMO_DIRECT_ANSWERS:
        case = actions.answer_directly(
            actor=agent,
            channel="phone",
            requester=RequesterDetails(phone=phone),
            content=question,
            article_version=by_title[title],
            disclosure_allowed=False,
        )
        if satisfaction:
            case = actions.rate_case(case=case, satisfaction=satisfaction)
        answered.append(case)
    return answered
