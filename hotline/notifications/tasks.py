"""Background jobs of the outbox (run by `manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hotline.jobs import at_worker_start, run_alone

from . import delivery

DELIVERING = run_alone("deliver-due")


@db_task(retries=3, retry_delay=30)
def deliver_message(pk: int):
    """Sent right after the action that wrote the message commits."""
    return delivery.deliver(pk)


@db_periodic_task(crontab(minute="*"), retries=2, retry_delay=10)
def deliver_due_messages():
    """The safety net: retries, lost enqueues, dead workers' leases."""
    with DELIVERING:
        return delivery.deliver_due()


@db_task()
def deliver_due_now():
    return delivery.deliver_due()


@at_worker_start
def catch_up_outbox(*args):
    """A restarted worker sends what waited, at once."""
    deliver_due_now()
