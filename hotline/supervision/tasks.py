"""The supervision's background jobs (run by `manage.py run_huey`)."""

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hotline.jobs import at_worker_start, run_alone

from . import figures
from .early_warnings import raise_early_warnings
from .rules import propose_warnings

SETTLING = run_alone("settle-figures")
WARNING_EARLY = run_alone("early-warnings")


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


@db_periodic_task(crontab(hour="2", minute="30"), retries=2, retry_delay=60)
def propose_warnings_nightly():
    """R11: each night, what this month's violations call for so far (and,
    on the 1st, the whole of last month); a supervisor decides."""
    today = timezone.localdate()
    months = {today.replace(day=1), (today.replace(day=1) - timedelta(days=1)).replace(day=1)}
    return sum(len(propose_warnings(month)) for month in sorted(months))


@db_periodic_task(crontab(minute="*"), retries=1, retry_delay=10)
def watch_for_early_warnings():
    """N10: every minute, the warnings the last hours call for, so that a
    cluster is known within a minute of reaching the policy's threshold."""
    with WARNING_EARLY:
        report = raise_early_warnings()
        return {"raised": report.raised, "grown": report.grown}
