"""Is the system doing its background work? One answer for /healthz and
for the administrators' pages.

A scheduled job is late when its most recent scheduled time, less a grace
period, has passed and no run has succeeded since (nor was the job known
then: a daily job is not late on the day the system was installed). A run
that started since and is still going is not late."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY

from .labels import label
from .models import JobStatus

# Far enough back for a weekly schedule.
LOOK_BACK = timedelta(days=8)


@dataclass(frozen=True)
class JobHealth:
    name: str
    label: str
    last_succeeded_at: datetime | None
    failures_in_a_row: int
    late: bool

    @property
    def healthy(self) -> bool:
        return not self.late and not self.failures_in_a_row


def scheduled_jobs() -> dict:
    """Every periodic job, by its full name (the tasks modules are loaded
    here, as the worker loads them)."""
    autodiscover_modules("tasks")
    return {HUEY._registry.task_to_string(type(t)): t for t in HUEY._registry.periodic_tasks}


def last_scheduled(task, before: datetime) -> datetime | None:
    """The latest minute at or before `before` when `task` was due to run.
    Huey reads its schedules in naive local time (settings.HUEY utc=False)."""
    local = timezone.localtime(before).replace(second=0, microsecond=0)
    minute = local.replace(tzinfo=None)
    earliest = minute - LOOK_BACK
    while minute > earliest:
        if task.validate_datetime(minute):
            return timezone.make_aware(minute)
        minute -= timedelta(minutes=1)
    return None


def job_health(now: datetime | None = None) -> list[JobHealth]:
    now = now or timezone.now()
    grace = timedelta(seconds=settings.HOTLINE_JOB_GRACE_SECONDS)
    rows = {row.name: row for row in JobStatus.objects.filter(periodic=True)}
    found = []
    for name, task in sorted(scheduled_jobs().items()):
        row = rows.get(name)
        due = last_scheduled(task, now - grace)
        if row is None:
            late = True  # no worker has ever started with this job
        else:
            done = max(filter(None, (row.last_succeeded_at, row.registered_at)))
            running = bool(
                row.last_started_at
                and (row.last_succeeded_at is None or row.last_started_at > row.last_succeeded_at)
                and (row.last_failed_at is None or row.last_started_at > row.last_failed_at)
            )
            late = due is not None and done < due and not (running and row.last_started_at >= due)
        found.append(
            JobHealth(
                name=name,
                label=label(name),
                last_succeeded_at=row.last_succeeded_at if row else None,
                failures_in_a_row=row.failures_in_a_row if row else 0,
                late=late,
            )
        )
    return found


def _failed(label: str, count: int) -> str:
    return _("Background job “%(job)s” has failed %(count)d time(s) in a row.") % {
        "job": label,
        "count": count,
    }


def job_problems() -> list[str]:
    """What administrators are told, in words: each job that failed or is
    late, and each other job (a message's delivery) whose last run failed."""
    problems = []
    for job in job_health():
        if job.failures_in_a_row:
            problems.append(_failed(job.label, job.failures_in_a_row))
        elif job.late:
            problems.append(
                _("Background job “%(job)s” has not run on time. Is the worker running?")
                % {"job": job.label}
            )
    for row in JobStatus.objects.filter(periodic=False, failures_in_a_row__gt=0):
        problems.append(_failed(label(row.name), row.failures_in_a_row))
    return problems
