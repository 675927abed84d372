"""/healthz for the city's monitoring: the database, the cache, the job
queue and the last successful run of each scheduled job; 503 when any of
them is down or late, so a stopped worker pages someone."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY

from .status import job_health

PROBE_KEY = "hotline:healthz"


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _cache():
    cache.set(PROBE_KEY, "ok", 10)
    if cache.get(PROBE_KEY) != "ok":
        raise RuntimeError("the cache did not keep a value")
    return {}


def _queue():
    return {"pending": HUEY.pending_count()}


def _jobs():
    jobs = {
        job.name: {
            "last_success": (
                timezone.localtime(job.last_succeeded_at).isoformat()
                if job.last_succeeded_at
                else None
            ),
            "failures_in_a_row": job.failures_in_a_row,
            "late": job.late,
        }
        for job in job_health()
    }
    late = sorted(name for name, job in jobs.items() if job["late"])
    if late:
        raise LateJobs(jobs, late)
    return {"jobs": jobs}


class LateJobs(Exception):
    def __init__(self, jobs, late):
        super().__init__(f"late: {', '.join(late)}")
        self.jobs = jobs


@never_cache
@require_GET
def healthz(request):
    checks = {}
    for name, check in (
        ("database", _database),
        ("cache", _cache),
        ("queue", _queue),
        ("jobs", _jobs),
    ):
        try:
            checks[name] = {"ok": True, **check()}
        except LateJobs as late:
            checks[name] = {"ok": False, "error": str(late), "jobs": late.jobs}
        except Exception as error:
            # The kind of failure only: messages can carry addresses and
            # credentials, and /healthz answers anyone who asks.
            checks[name] = {"ok": False, "error": type(error).__name__}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )
