"""Reads of the knowledge base (N2): for a telephony or chat front end that
answers from it. Published, current articles are public, so every token
and session reads them, as it reads reference data; a caller reading its
unit (a staff session, a token with the read scope "unit") also reads its
own unit's articles not yet published, with `drafts=true`."""

from datetime import date

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from ninja import Field, Path, Query, Schema

from hotline.knowledge.models import ArticleVersion
from hotline.knowledge.search import public_versions, search_versions
from hotline.knowledge.workflow import VersionState

from .auth import caller
from .endpoints_reads import router
from .schemas import MAX_ID, NO_NUL

UNPUBLISHED = (VersionState.DRAFT, VersionState.AWAITING_APPROVAL, VersionState.AWAITING_REVIEW)
MAX_ARTICLES = 50


class ArticleOut(Schema):
    id: int = Field(..., description="The article's; it stays as versions follow each other.")
    version_id: int = Field(..., description="The version's: what a direct answer cites.")
    version: int
    state: str
    current: bool = Field(..., description="Offered for direct answers today.")
    title: str
    question: str
    answer: str
    keywords: str
    category: str | None = Field(None, description="The category's code.")
    unit_id: int
    unit: str
    effective_on: date
    review_by: date


class ArticleQuery(Schema):
    q: str = Field(
        None, max_length=200, pattern=NO_NUL, description="The question, as the caller asks it."
    )
    category: int = Field(None, ge=1, le=MAX_ID)
    drafts: bool = Field(False, description="Also the caller's unit's unpublished articles.")
    limit: int = Field(10, ge=1, le=MAX_ARTICLES)


class ArticleList(Schema):
    items: list[ArticleOut]


def _out(version: ArticleVersion, today: date) -> dict:
    return {
        "id": version.article_id,
        "version_id": version.pk,
        "version": version.number,
        "state": version.state,
        "current": version.is_current(today),
        "title": version.title,
        "question": version.question,
        "answer": version.answer,
        "keywords": version.keywords,
        "category": version.category.code if version.category else None,
        "unit_id": version.article.unit_id,
        "unit": version.article.unit.name,
        "effective_on": version.effective_on,
        "review_by": version.review_by,
    }


def _readable(request, *, drafts: bool):
    """Published current versions; with `drafts`, those of the caller's unit
    not yet published too, when the caller reads its unit."""
    versions = public_versions()
    who = caller(request)
    if drafts and (who.token is None or who.token.reads_unit):
        own = ArticleVersion.objects.filter(article__unit=who.unit, state__in=UNPUBLISHED)
        versions = ArticleVersion.objects.filter(Q(pk__in=versions.values("pk")) | Q(pk__in=own))
    return versions


@router.get("/articles", response=ArticleList, summary="Knowledge base articles (N2)")
def list_articles(request, query: Query[ArticleQuery]):
    """With `q`, the best matches for the question, best first; without,
    by category and title."""
    versions = _readable(request, drafts=query.drafts)
    if query.category is not None:
        versions = versions.filter(category_id=query.category)
    if query.q and query.q.strip():
        found = search_versions(versions, query.q, limit=query.limit)
    else:
        found = list(
            versions.select_related("article__unit", "category").order_by(
                "category__code", "title", "id"
            )[: query.limit]
        )
    today = timezone.localdate()
    return {"items": [_out(v, today) for v in found]}


@router.get("/articles/{article_id}", response=ArticleOut, summary="One knowledge base article")
def get_article(request, article_id: int = Path(..., ge=1, le=MAX_ID), drafts: bool = False):
    """Its published, current version; with `drafts`, for its own unit, its
    latest version (a draft in the making, if there is one)."""
    version = (
        _readable(request, drafts=drafts)
        .filter(article_id=article_id)
        .select_related("article__unit", "category")
        .order_by("-number")
        .first()
    )
    if version is None:
        raise Http404
    return _out(version, timezone.localdate())
