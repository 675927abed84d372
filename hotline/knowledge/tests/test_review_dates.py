"""Review-by dates (N2): the unit is told once before, reminded once after,
and an article past its date is not offered until renewed."""

from datetime import date

from hotline.cases.tests.conftest import staff
from hotline.knowledge import actions
from hotline.knowledge.actions import ArticleText
from hotline.knowledge.search import find_articles
from hotline.knowledge.tasks import flag_article_reviews
from hotline.knowledge.tests.factories import published_article
from hotline.notifications.models import StaffNotification

UNIT = "福州市公安局"


def told(user) -> list[str]:
    return list(StaffNotification.objects.filter(user=user).values_list("text", flat=True))


def test_notice_then_reminder_each_sent_once_N2(db, clock):
    """N2: 15 days (the policy's) before the review-by date the unit's
    handler and leader are told, once; after it, reminded, once."""
    clock("2026-11-01 07:30")
    version = published_article(effective_on=date(2026, 1, 1), review_by=date(2026, 11, 30))
    handler, leader = staff(UNIT, "handler"), staff(UNIT, "leader")

    assert actions.flag_due_reviews() == (0, 0)  # 29 days ahead: not yet
    clock("2026-11-15 07:30")
    assert actions.flag_due_reviews() == (1, 0)
    assert actions.flag_due_reviews() == (0, 0)
    clock("2026-11-20 07:30")
    assert flag_article_reviews.call_local() == (0, 0)
    assert [t for t in told(handler) if "2026-11-30" in t] == told(handler)
    assert len(told(handler)) == 1 and len(told(leader)) == 1

    clock("2026-11-30 07:30")
    assert actions.flag_due_reviews() == (0, 0)  # the last day it is offered
    assert find_articles("居住证", on=date(2026, 11, 30)) == [version]
    clock("2026-12-01 07:30")
    assert actions.flag_due_reviews() == (0, 1)
    assert actions.flag_due_reviews() == (0, 0)
    assert find_articles("居住证", on=date(2026, 12, 1)) == []
    assert len(told(handler)) == 2 and "不再用于直接答复" in told(handler)[0]
    assert list(version.events.values_list("action", flat=True)) == [
        "review_notice",
        "review_reminder",
    ]


def test_renewed_article_is_offered_again_N2(db, clock):
    """N2: renewing is drafting a new version with a new review-by date;
    once published it is offered again."""
    clock("2026-12-05 10:00")
    old = published_article(effective_on=date(2026, 1, 1), review_by=date(2026, 11, 30))
    handler, leader = staff(UNIT, "handler"), staff(UNIT, "leader")
    reviewer = staff("福州市信访局", "reviewer")
    new = actions.draft_article(
        actor=handler,
        article=old.article,
        text=ArticleText(
            title=old.title,
            question=old.question,
            answer=old.answer,
            keywords=old.keywords,
            effective_on=date(2026, 12, 5),
            review_by=date(2027, 12, 5),
        ),
    )
    assert find_articles("居住证", on=date(2026, 12, 5)) == []
    actions.submit_article(actor=handler, version=new)
    actions.approve_article(actor=leader, version=new)
    actions.publish_article(actor=reviewer, version=new)
    assert [v.pk for v in find_articles("居住证", on=date(2026, 12, 5))] == [new.pk]


def test_the_job_is_scheduled_daily():
    from huey.contrib.djhuey import HUEY

    names = {HUEY._registry.task_to_string(type(t)) for t in HUEY._registry.periodic_tasks}
    assert "hotline.knowledge.tasks.flag_article_reviews" in names
