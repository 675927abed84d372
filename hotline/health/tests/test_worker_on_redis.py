"""The worker as production runs it: `manage.py run_huey` with production
settings on the local Redis (Debian 12 ships 7.0, without the hash-field
TTLs Huey's RedisHuey locks need), against the test database, and the web
app's /healthz under gunicorn with the same settings.

Each test starts its own worker under a Huey name of its own, so runs on
one Redis do not see each other's queue."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from hotline.cases.models import Clock, Violation
from hotline.health.models import JobStatus
from hotline.notifications.models import Message
from hotline.notifications.tests.servers import SmsGateway, free_port
from hotline.notifications.tests.test_worker import ROOT, database_url, wait_for
from hotline.supervision.models import SettledDay

REDIS_URL = os.environ.get("HOTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def production(tmp_path):
    """The environment of a production deployment, on the test database."""
    connection = redis.Redis.from_url(REDIS_URL)
    connection.ping()  # CI starts Redis; a missing one fails here, loudly
    name = f"hotline-test-{uuid.uuid4().hex[:8]}"
    with SmsGateway() as gateway:
        yield {
            "environment": {
                **os.environ,
                "HOTLINE_ENV": "production",
                "SECRET_KEY": "test-" + uuid.uuid4().hex,
                "ALLOWED_HOSTS": "127.0.0.1",
                "HOTLINE_PUBLIC_URL": "https://12345.example.gov.cn",
                "DATABASE_URL": database_url(),
                "REDIS_URL": REDIS_URL,
                "HOTLINE_HUEY_NAME": name,
                "HOTLINE_HUEY_IMMEDIATE": "0",
                "HOTLINE_OUTBOX": "gateway",
                "SMS_GATEWAY_URL": gateway.url,
                "SMS_GATEWAY_SECRET": gateway.secret,
                "HOTLINE_OUTBOX_LEASE_SECONDS": "2",
                "STATIC_ROOT": str(tmp_path / "static"),
            },
            "gateway": gateway,
            "log": tmp_path / "worker.log",
        }
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)


def start_worker(production):
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread"],
        cwd=ROOT,
        env=production["environment"],
        stdout=production["log"].open("a"),
        stderr=subprocess.STDOUT,
    )


def stop(process, how=signal.SIGTERM):
    process.send_signal(how)
    process.wait(timeout=30)


def worker_log(production) -> str:
    return production["log"].read_text(errors="replace")


def succeeded(job: str) -> bool:
    return JobStatus.objects.filter(name=job, last_succeeded_at__isnull=False).exists()


def test_an_overdue_clock_is_breached_within_a_minute_by_the_scheduled_watch_R8_1(
    committed_demo, production, flow
):
    """Not the catch-up at start: the every-minute job, whose lock failed on
    Redis 7.0, breaches a read clock that falls due while the worker runs,
    and records the late read (R8.1, R11). The day's figures settle too."""
    from hotline.cases.tests.test_clocks import CGW

    settled_case = flow.web_case()
    earlier = timezone.now() - timedelta(days=3)
    type(settled_case).objects.filter(pk=settled_case.pk).update(received_at=earlier)
    assignment = flow.to(flow.phone_case(), CGW)
    worker = start_worker(production)
    try:
        assert wait_for(lambda: succeeded("hotline.cases.tasks.watch_clocks_now"), 60), worker_log(
            production
        )
        assert wait_for(
            lambda: SettledDay.objects.filter(
                day=timezone.localdate(earlier), stale=False
            ).exists(),
            60,
        ), worker_log(production)
        read = assignment.case.clocks.get(kind="read")
        Clock.objects.filter(pk=read.pk).update(due_at=timezone.now() - timedelta(minutes=1))
        assert wait_for(
            lambda: Violation.objects.filter(clock=read, kind="late_read").exists(), 75
        ), worker_log(production)
        assert wait_for(lambda: succeeded("hotline.cases.tasks.watch_clocks"), 10)
    finally:
        stop(worker)
    read.refresh_from_db()
    assert read.breached_at is not None
    assert "NotImplementedError" not in worker_log(production)
    assert not JobStatus.objects.filter(failures__gt=0).exists(), worker_log(production)


def test_a_worker_killed_mid_delivery_loses_and_duplicates_nothing(committed_demo, production):
    """SIGKILL while a message is at the gateway: after a restart every
    message reaches a phone exactly once (the gateway keeps one delivery per
    idempotency key), none is left sending, and the retry after the dead
    worker's lease is the only second request."""
    gateway = production["gateway"]
    for i in range(5):
        Message.objects.create(
            kind="acknowledgement", channel="sms", recipient=f"1390000001{i}", text=f"第{i}条"
        )
    gateway.hold_seconds = 6  # the first send hangs: the worker dies in it
    worker = start_worker(production)
    try:
        assert wait_for(lambda: len(gateway.requests) >= 1), worker_log(production)
    finally:
        stop(worker, signal.SIGKILL)
    assert Message.objects.filter(status="sending").exists()
    time.sleep(2.5)  # the dead worker's lease runs out
    worker = start_worker(production)
    try:
        assert wait_for(lambda: Message.objects.filter(status="sent").count() == 5, 60), worker_log(
            production
        )
    finally:
        stop(worker)
    time.sleep(6)  # the held request finishes: it reaches the gateway too
    keys = sorted(str(k) for k in Message.objects.values_list("key", flat=True))
    assert sorted(gateway.delivered) == keys
    requested = [headers["Idempotency-Key"] for headers, _body, _ok in gateway.requests]
    assert sorted(set(requested)) == keys
    assert len(requested) <= len(keys) + 1  # only the killed send was tried again
    assert not Message.objects.exclude(status="sent").exists()


def get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_healthz_under_production_settings_sees_the_worker(committed_demo, production):
    """/healthz answers 503 while no worker has run the scheduled jobs, and
    200 once one has, with each job's last success."""
    port = free_port()
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hotline.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=production["environment"],
        stdout=production["log"].open("a"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        assert wait_for(lambda: _answers(url), 30), worker_log(production)
        status, body = get_json(url)
        assert status == 503 and body["checks"]["jobs"]["ok"] is False
        assert body["checks"]["database"]["ok"] and body["checks"]["queue"]["ok"]
        worker = start_worker(production)
        try:
            assert wait_for(lambda: get_json(url)[0] == 200, 60), worker_log(production)
        finally:
            stop(worker)
        status, body = get_json(url)
        jobs = body["checks"]["jobs"]["jobs"]
        assert "hotline.cases.tasks.watch_clocks" in jobs
        assert not any(job["late"] for job in jobs.values())
    finally:
        stop(web)


def _answers(url) -> bool:
    try:
        get_json(url)
    except OSError:
        return False
    return True
