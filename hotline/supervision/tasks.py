"""The supervision figures' background job (run by `manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hotline.jobs import at_worker_start, run_alone

from . import figures

SETTLING = run_alone("settle-figures")


@db_periodic_task(crontab(minute="*/10"), retries=2, retry_delay=60)
def settle_figures():
    """Every ten minutes: keep the figures of the days that are over, and
    count again the days a late write made stale. Until then those days are
    counted live, so the numbers are right either way; this keeps them fast."""
    with SETTLING:
        return figures.settle_past_days()


@db_task()
def settle_figures_now():
    return settle_figures.call_local()


@at_worker_start
def catch_up_figures(*args):
    """A worker that starts after a pause settles the days it missed at
    once, not at the next tenth minute."""
    settle_figures_now()
