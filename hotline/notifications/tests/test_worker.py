"""The real worker (`manage.py run_huey`) in its own process, against the
test database: killed in the middle of sending, restarted, and every message
reaches the gateway's phones exactly once; and it breaches due clocks at
start, as `make demo` relies on."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from hotline.notifications.models import Message
from hotline.notifications.tests.servers import SmsGateway

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(tmp_path, **env):
    environment = {
        **os.environ,
        "HOTLINE_ENV": "development",
        "DATABASE_URL": database_url(),
        "HOTLINE_HUEY_IMMEDIATE": "0",
        "HOTLINE_HUEY_FILE": str(tmp_path / "huey.sqlite3"),
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread"],
        cwd=ROOT,
        env=environment,
        stdout=(tmp_path / "worker.log").open("a"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_killed_mid_send_delivers_every_message_exactly_once(committed_demo, tmp_path):
    with SmsGateway() as gateway:
        for i in range(3):
            Message.objects.create(
                kind="acknowledgement", channel="sms", recipient=f"1390000000{i}", text=f"第{i}条"
            )
        gateway.hold_seconds = 6  # the first send hangs: the worker dies in it
        env = {
            "HOTLINE_OUTBOX": "gateway",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_SECRET": gateway.secret,
            "HOTLINE_OUTBOX_LEASE_SECONDS": "2",
        }
        worker = start_worker(tmp_path, **env)
        try:
            assert wait_for(lambda: len(gateway.requests) >= 1), "the worker never sent"
        finally:
            worker.kill()
            worker.wait()
        assert Message.objects.filter(status="sending").count() >= 1
        time.sleep(2.5)  # the dead worker's lease runs out
        worker = start_worker(tmp_path, **env)
        try:
            assert wait_for(lambda: Message.objects.filter(status="sent").count() == 3)
        finally:
            worker.terminate()
            worker.wait()
        time.sleep(6)  # let the held request finish: it reaches the gateway too
        keys = {str(k) for k in Message.objects.values_list("key", flat=True)}
        assert set(gateway.delivered) == keys  # every message, once each
        assert len(gateway.requests) > len(keys)  # and one of them was sent twice


def test_the_worker_breaches_due_clocks_as_it_starts(committed_demo, tmp_path, flow):
    """`make demo`: a case whose deadline passed is breached by the worker
    within a minute of starting, and the unit is told."""
    from hotline.cases.models import Clock
    from hotline.notifications.models import StaffNotification

    case = flow.web_case()
    Clock.objects.filter(case=case).update(due_at="2026-01-05T00:00:00+08:00")
    worker = start_worker(tmp_path)
    try:
        assert wait_for(lambda: Clock.objects.filter(case=case, breached_at__isnull=False).exists())
    finally:
        worker.terminate()
        worker.wait()
    assert StaffNotification.objects.filter(case=case, text__contains="超时").exists()
