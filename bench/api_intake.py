"""Benchmark: case intake through the JSON API (target: at least 300
requests a second with p95 under 100 ms).

    .venv/bin/python bench/api_intake.py [seconds] [connections] [workers]

Creates `hotline_bench_api` on the local PostgreSQL with the demo
organisation, issues an API token for the demo agent, and serves Hotline
with gunicorn (production settings: DEBUG off, Redis for the job queue,
messages only logged) on loopback. `wrk` (Debian package wrk) then posts
`POST /api/v1/cases` with a new Idempotency-Key and a new caller each time,
and reports throughput and the 50th, 95th and 99th percentile latencies.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, fresh_demo_database

DB = "hotline_bench_api"
PORT = 8391

SCRIPT = r"""
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  n = 0
end
request = function()
  n = n + 1
  local body = string.format(
    '{"channel":"phone","requester":{"name":"张三","phone":"13%d%08d"},' ..
    '"content":"东街口夜间施工噪音扰民，影响休息，请尽快处理。第%d件。","disclosure_allowed":true}',
    id, n, n)
  return wrk.format("POST", "/api/v1/cases", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("HOTLINE_BENCH_KEY"),
    ["Idempotency-Key"] = string.format("bench-%d-%d-%d", os.time(), id, n),
  }, body)
end
function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f errors=%d p50=%.1f p95=%.1f p99=%.1f\n",
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def main() -> int:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    if not shutil.which("wrk"):
        print("needs wrk: apt-get install -y wrk")
        return 2
    fresh_demo_database(DB)
    from hotline.api.tokens import issue_token
    from hotline.organisation.models import Unit, User

    admin = User.objects.filter(is_superuser=True).first()
    agent = User.objects.get(username="agent")
    _token, key = issue_token(
        actor=admin,
        name="bench",
        user=agent,
        unit=Unit.objects.get(kind="service_center"),
        actions=["register", "forward"],
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "HOTLINE_ENV": "production",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "HOTLINE_PUBLIC_URL": "http://127.0.0.1",
        "HOTLINE_HTTPS": "0",  # gunicorn over plain HTTP on the loopback
        "HOTLINE_OUTBOX": "log",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "LOG_LEVEL": "WARNING",
        "HOTLINE_BENCH_KEY": key,
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "hotline.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/openapi.json", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "intake.lua"
            script.write_text(SCRIPT)
            wrk = ["wrk", "-t2", f"-c{connections}", "-s", str(script), f"http://127.0.0.1:{PORT}"]
            subprocess.run([*wrk, "-d5s"], env=env, check=True, capture_output=True)  # warm-up
            out = subprocess.run(
                [*wrk, f"-d{seconds}s"], env=env, check=True, capture_output=True, text=True
            ).stdout
    finally:
        server.terminate()
        server.wait()
    result = dict(
        item.split("=")
        for item in next(line for line in out.splitlines() if "RESULT" in line).split()[1:]
    )
    rate = int(result["requests"]) / float(result["seconds"])
    from hotline.cases.models import Case

    print(
        f"{result['requests']} intakes in {float(result['seconds']):.0f} s with {connections} "
        f"connections and {workers} gunicorn workers: {rate:.0f} requests/s, "
        f"p50 {result['p50']} ms, p95 {result['p95']} ms, p99 {result['p99']} ms, "
        f"{result['errors']} errors; {Case.objects.count():,} cases in the database"
    )
    ok = rate >= 300 and float(result["p95"]) < 100 and result["errors"] == "0"
    print(f"target: >= 300 requests/s with p95 < 100 ms -> {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
