"""The worker reports on itself. Every job it runs records its success or
its failure in JobStatus, and a failure is logged at error with how many in
a row: a deadline watch that fails every minute is seen at once, on
/healthz, in the log and on the administrators' pages, never silently."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from huey.api import PeriodicTask
from huey.contrib.djhuey import HUEY
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR, SIGNAL_EXECUTING

from hotline.jobs import at_worker_start

from .models import JobStatus

log = logging.getLogger("hotline.jobs")


def job_name(task) -> str:
    return HUEY._registry.task_to_string(type(task))


def _record(task, **changes) -> None:
    name = job_name(task)
    try:
        if not JobStatus.objects.filter(name=name).update(**changes):
            try:
                with transaction.atomic():
                    JobStatus.objects.create(
                        name=name,
                        periodic=isinstance(task, PeriodicTask),
                        registered_at=timezone.now(),
                    )
            except IntegrityError:
                pass  # another worker thread created it first
            JobStatus.objects.filter(name=name).update(**changes)
    except Exception:
        log.exception("could not record the state of background job %s", name)


@HUEY.signal(SIGNAL_EXECUTING)
def started(signal, task):
    # Only scheduled jobs: a message's delivery need not cost a write more.
    if isinstance(task, PeriodicTask):
        _record(task, last_started_at=timezone.now())


@HUEY.signal(SIGNAL_COMPLETE)
def succeeded(signal, task):
    _record(task, last_succeeded_at=timezone.now(), failures_in_a_row=0)


@HUEY.signal(SIGNAL_ERROR)
def failed(signal, task, exc=None):
    log.error("background job %s failed: %r", job_name(task), exc, exc_info=exc)
    _record(
        task,
        last_failed_at=timezone.now(),
        last_error=repr(exc)[:2000],
        failures=F("failures") + 1,
        failures_in_a_row=F("failures_in_a_row") + 1,
    )


@at_worker_start
def register_periodic_jobs(*args):
    """A starting worker names every scheduled job it will run, so one that
    never succeeds shows as late instead of absent."""
    now = timezone.now()
    JobStatus.objects.bulk_create(
        [
            JobStatus(name=job_name(task), periodic=True, registered_at=now)
            for task in HUEY._registry.periodic_tasks
        ],
        ignore_conflicts=True,
    )
