"""The knowledge base's background job (run by `manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hotline.jobs import run_alone

from .actions import flag_due_reviews

FLAGGING = run_alone("flag-article-reviews")


@db_periodic_task(crontab(hour="7", minute="30"), retries=2, retry_delay=60)
def flag_article_reviews():
    """07:30 Fuzhou time, before the units' day starts: each unit told of
    its articles near or past their review-by date (N2), once each."""
    with FLAGGING:
        return flag_due_reviews()
