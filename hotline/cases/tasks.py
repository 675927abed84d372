"""The clocks' background jobs (run by `manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hotline.jobs import at_worker_start, run_alone

from . import clocks

# Made at import, so a starting consumer knows the lock and can clear it.
WATCHING = run_alone("watch-clocks")


@db_periodic_task(crontab(minute="*"), retries=2, retry_delay=10)
def watch_clocks():
    """Every minute: breaches (and D4 lapses), then the half-day reminders.
    With several workers on several machines, the lock (in Redis) lets one
    run at a time; a second run in the same minute finds nothing to do."""
    with WATCHING:
        report = clocks.breach_due_clocks()
        clocks.remind_due_soon()
        return report.breached


@db_task()
def watch_clocks_now():
    return watch_clocks.call_local()


@at_worker_start
def catch_up_clocks(*args):
    """A worker that starts after a pause catches up at once, not at the
    next minute."""
    watch_clocks_now()


@db_periodic_task(crontab(hour="8", minute="0"), retries=2, retry_delay=60)
def morning_summary():
    """08:00 Fuzhou time: what each unit has due on the next working day."""
    return clocks.daily_summary()


TRAINING = run_alone("train-suggestions")


@db_periodic_task(crontab(hour="2", minute="30"), retries=1, retry_delay=600)
def train_suggestions_nightly():
    """02:30, when no one is dispatching: the dispatch suggestions learn the
    day's closed cases. Returns how many cases it learned from."""
    from .suggestions import train_suggestions  # scikit-learn: loaded by the job only

    with TRAINING:
        row = train_suggestions()
        return row.cases if row else 0
