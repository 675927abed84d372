"""Finding articles for a question (N2, N3)."""

from datetime import date

from hotline.cases.search import index_text

from .models import ArticleVersion
from .workflow import VersionState


def article_index_text(version: ArticleVersion) -> str:
    """What a version is found by: its title, question, answer and keywords."""
    return index_text(version.title, version.question, version.answer, version.keywords)


def current_versions(on: date):
    """Published versions an agent may answer from on `on` (N2)."""
    return ArticleVersion.objects.filter(
        state=VersionState.PUBLISHED, effective_on__lte=on, review_by__gte=on
    )


def find_articles(text: str, *, on: date, limit: int = 5) -> list[ArticleVersion]:
    """The current versions that best match `text`, best first."""
    words = [word for word in text.split() if word]
    found = current_versions(on)
    for word in words[:3]:
        found = found.filter(search_text__icontains=word)
    return list(found.select_related("article__unit")[:limit])
