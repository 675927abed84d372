"""What the public reads of the knowledge base (N2): published versions
current today, never a draft, a withdrawn, a superseded version or one past
its review-by date. The portal and the API read articles only through here."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from hotline.cases.publication import kept_for_the_public
from hotline.reference.models import Revision
from hotline.reference.revisions import SHARED

from .models import ArticleVersion
from .search import public_versions, search_versions


@dataclass(frozen=True)
class PublicArticle:
    id: int  # the article's, which stays as versions follow each other
    version: int
    title: str
    question: str
    answer: str
    keywords: str
    category: str
    unit: str
    effective_on: date
    review_by: date


def _public(version: ArticleVersion) -> PublicArticle:
    return PublicArticle(
        id=version.article_id,
        version=version.number,
        title=version.title,
        question=version.question,
        answer=version.answer,
        keywords=version.keywords,
        category=version.category.name if version.category else "",
        unit=version.article.unit.name,
        effective_on=version.effective_on,
        review_by=version.review_by,
    )


def _readable():
    return public_versions().select_related("article__unit", "category")


def public_article(article_id: int) -> PublicArticle | None:
    version = _readable().filter(article_id=article_id).first()
    return _public(version) if version is not None else None


def public_search(text: str, *, limit: int) -> list[PublicArticle]:
    return [_public(v) for v in search_versions(public_versions(), text, limit=limit)]


def public_list(*, category: int | None = None, limit: int) -> list[PublicArticle]:
    """Without a question: by category, then title."""
    versions = _readable()
    if category is not None:
        versions = versions.filter(category_id=category)
    return [_public(v) for v in versions.order_by("category__code", "title", "id")[:limit]]


def kept(name: str, key, compute):
    """`compute()` for the public page `name`, from the cache while no
    article version (nor other reference data) has changed and the day is
    the same: a version leaves the public pages on its review-by date."""
    token = Revision.objects.filter(name=SHARED).values_list("token", flat=True).first()
    return kept_for_the_public(
        f"knowledge:{name}", key, compute, mark=(token, timezone.localdate().isoformat())
    )
