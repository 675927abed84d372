"""Background jobs are loud when they fail, and /healthz says when one is
late. (The worker itself, on Redis, is in test_worker_on_redis.py.)"""

import logging
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY

from hotline.cases.tests.conftest import at
from hotline.health.labels import label
from hotline.health.models import JobStatus
from hotline.health.recording import register_periodic_jobs
from hotline.health.status import job_problems, last_scheduled, scheduled_jobs
from hotline.jobs import at_worker_start
from hotline.notifications.tests.test_worker import ROOT

SETTLE = "hotline.supervision.tasks.settle_figures"


def test_a_job_lock_with_expiry_works_on_the_local_redis():
    """Debian 12's Redis 7.0 has no hash-field TTLs: with Huey's RedisHuey
    every locked scheduled job failed with NotImplementedError. The lock is
    taken once, refused while held, and expires by itself."""
    probe = (
        "from huey.exceptions import TaskLockedException\n"
        "from hotline.jobs import run_alone\n"
        "import time\n"
        "lock = run_alone('probe-' + str(time.time()))\n"
        "lock._ttl = 1\n"
        "lock.acquire()\n"
        "try:\n"
        "    lock.acquire()\n"
        "    raise SystemExit('a held lock was taken twice')\n"
        "except TaskLockedException:\n"
        "    pass\n"
        "time.sleep(1.5)\n"
        "lock.acquire()\n"
        "lock.release()\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", probe],
        cwd=ROOT,
        env={
            **os.environ,
            "HOTLINE_ENV": "development",
            "HOTLINE_HUEY_IMMEDIATE": "0",
            "REDIS_URL": os.environ.get("HOTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().endswith("ok"), result.stderr


def test_every_worker_start_up_hook_runs():
    """Huey keys start-up hooks by name: the outbox's and the clocks' were
    both `catch_up`, so the outbox's never ran and a killed worker's
    messages stayed `sending`. Every module's hook is there, by full name."""
    scheduled_jobs()  # loads every tasks module, as the worker does
    assert {
        "hotline.cases.tasks.catch_up_clocks",
        "hotline.notifications.tasks.catch_up_outbox",
        "hotline.supervision.tasks.catch_up_figures",
        "hotline.health.recording.register_periodic_jobs",
    } <= set(HUEY._startup)


def test_two_start_up_hooks_of_one_name_are_refused():
    def catch_up():
        pass

    at_worker_start(catch_up)
    with pytest.raises(ImproperlyConfigured):
        at_worker_start(catch_up)
    HUEY.unregister_on_startup(f"{__name__}.{catch_up.__qualname__}")


def test_every_job_has_a_name_in_words():
    """Administrators read job names in Chinese, never module paths."""
    scheduled_jobs()
    for name in HUEY._registry._registry:
        assert label(name) != label("unknown"), name


@pytest.mark.parametrize(
    "schedule, before, expected",
    [
        # every minute: the minute itself
        (crontab(minute="*"), "2026-12-01 10:31:40", "2026-12-01 10:31"),
        # every ten minutes: the last tenth minute
        (crontab(minute="*/10"), "2026-12-01 10:39:59", "2026-12-01 10:30"),
        # daily at 08:00, asked at 07:59: yesterday's
        (crontab(hour="8", minute="0"), "2026-12-01 07:59", "2026-11-30 08:00"),
        # daily at 08:00, asked at 08:00: today's
        (crontab(hour="8", minute="0"), "2026-12-01 08:00", "2026-12-01 08:00"),
        # hourly at :17, just after midnight: 23:17 the day before
        (crontab(minute="17"), "2026-12-01 00:05", "2026-11-30 23:17"),
    ],
)
def test_when_a_job_was_last_due(schedule, before, expected):
    class Job:
        def validate_datetime(self, moment):
            return schedule(moment)

    assert last_scheduled(Job(), at(before)) == at(expected)


@pytest.fixture
def registered(db, clock):
    clock("2026-12-01 09:00")
    register_periodic_jobs()


def healthz():
    answer = Client().get("/healthz")
    return answer.status_code, answer.json()


def test_healthz_is_503_when_no_worker_ever_ran(db):
    status, body = healthz()
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    assert body["checks"]["queue"]["ok"]
    assert body["checks"]["jobs"]["ok"] is False


def test_healthz_is_200_while_every_job_ran_on_time_and_503_when_one_is_late(registered, clock):
    clock("2026-12-01 09:03")  # within the grace of the worker's start
    status, body = healthz()
    assert status == 200, body
    jobs = body["checks"]["jobs"]["jobs"]
    assert set(jobs) == set(scheduled_jobs())
    JobStatus.objects.update(last_succeeded_at=at("2026-12-01 09:30"))
    clock("2026-12-01 09:34")
    assert healthz()[0] == 200
    # the deadline watch stops: five minutes of grace, then late
    JobStatus.objects.filter(name="hotline.cases.tasks.watch_clocks").update(
        last_succeeded_at=at("2026-12-01 09:30")
    )
    JobStatus.objects.exclude(name="hotline.cases.tasks.watch_clocks").update(
        last_succeeded_at=at("2026-12-01 09:40")
    )
    clock("2026-12-01 09:40")
    status, body = healthz()
    assert status == 503
    late = [name for name, job in body["checks"]["jobs"]["jobs"].items() if job["late"]]
    assert late == ["hotline.cases.tasks.watch_clocks"]
    assert body["checks"]["jobs"]["jobs"][late[0]]["last_success"].startswith("2026-12-01T09:30")


def test_a_daily_job_is_not_late_on_the_day_it_was_installed(registered, clock):
    JobStatus.objects.update(last_succeeded_at=at("2026-12-01 10:00"))
    JobStatus.objects.filter(name="hotline.cases.tasks.morning_summary").update(
        last_succeeded_at=None
    )
    clock("2026-12-01 10:01")
    assert healthz()[0] == 200  # installed at 09:00, after the 08:00 run
    JobStatus.objects.exclude(name="hotline.cases.tasks.morning_summary").update(
        last_succeeded_at=at("2026-12-02 08:09")
    )
    clock("2026-12-02 08:10")
    status, body = healthz()
    assert status == 503
    assert body["checks"]["jobs"]["jobs"]["hotline.cases.tasks.morning_summary"]["late"]


def test_a_failing_job_is_logged_counted_and_shown_to_administrators(
    registered, clock, monkeypatch, caplog, person
):
    """The figures job fails (the database refuses a query, say): logged at
    error, counted, and shown on the administrator's queue and in /admin/
    in words; the next success clears the warning but keeps the count."""
    from hotline.supervision import figures, tasks

    def broken():
        raise RuntimeError("relation does not exist")

    monkeypatch.setattr(figures, "settle_past_days", broken)
    clock("2026-12-01 09:10")
    with caplog.at_level(logging.ERROR, logger="hotline.jobs"):
        tasks.settle_figures()
        tasks.settle_figures()
    assert any(r.levelno == logging.ERROR and SETTLE in r.getMessage() for r in caplog.records)
    status = JobStatus.objects.get(name=SETTLE)
    assert (status.failures, status.failures_in_a_row) == (2, 2)
    assert "relation does not exist" in status.last_error
    [problem] = [p for p in job_problems() if "2" in p]
    assert "daily figures" in problem or "每日" in problem
    assert "hotline." not in problem

    admin = Client()
    admin.force_login(person("admin"))
    for page in ("/", "/admin/"):
        html = admin.get(page, follow=True).content.decode()
        assert problem in html, page
    assert healthz()[0] == 503

    monkeypatch.setattr(figures, "settle_past_days", lambda: 0)
    tasks.settle_figures()
    status.refresh_from_db()
    assert (status.failures, status.failures_in_a_row) == (2, 0)
    assert status.last_succeeded_at == timezone.now()
    assert not [p for p in job_problems() if "2" in p]


def test_staff_who_are_not_administrators_are_not_told(registered, monkeypatch, person):
    from hotline.supervision import figures, tasks

    monkeypatch.setattr(figures, "settle_past_days", lambda: 1 / 0)
    tasks.settle_figures()
    dispatcher = Client()
    dispatcher.force_login(person("city_dispatcher"))
    assert 'data-testid="job-problem"' not in dispatcher.get("/").content.decode()
