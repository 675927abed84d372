"""Articles for tests that need one already published, without walking the
drafting, approval and review steps (those have tests of their own)."""

from datetime import date, timedelta

from django.utils import timezone

from hotline.knowledge.models import Article, ArticleVersion
from hotline.knowledge.search import article_index_text
from hotline.knowledge.workflow import VersionState
from hotline.organisation.models import Unit


def published_article(
    *,
    unit: str = "福州市公安局",
    title: str = "居住证续签需要带什么材料",
    question: str = "居住证快到期了，续签要带哪些东西？",
    answer: str = "携带身份证、居住证原件和近期照片，到居住地派出所户籍窗口办理，当场受理。",
    keywords: str = "居住证 续签 材料",
    effective_on: date | None = None,
    review_by: date | None = None,
    state: str = VersionState.PUBLISHED,
) -> ArticleVersion:
    today = timezone.localdate()
    now = timezone.now()
    article = Article.objects.create(unit=Unit.objects.get(name=unit), created_at=now)
    version = ArticleVersion.objects.create(
        article=article,
        number=1,
        title=title,
        question=question,
        answer=answer,
        keywords=keywords,
        effective_on=effective_on or today - timedelta(days=30),
        review_by=review_by or today + timedelta(days=180),
        state=state,
        drafted_at=now,
    )
    version.search_text = article_index_text(version)
    version.save(update_fields=["search_text"])
    if state == VersionState.PUBLISHED:
        article.published_version = version
        article.save(update_fields=["published_version"])
    return version
