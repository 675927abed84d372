"""Benchmark: case intake through the JSON API (targets: p95 under 100 ms
at the best rate, the earlier 300 requests a second withdrawn by issue 14;
at most 10 ms of the gunicorn
workers' CPU per request; the day's case-number lock held under 3 ms; and
throughput that does not fall as workers are added).

    .venv/bin/python bench/api_intake.py [seconds] [--workers 2,3,4] [--connections N]
    .venv/bin/python bench/api_intake.py [seconds] --against [REV] [--rounds N]

Serves Hotline with gunicorn (sync workers; production settings: DEBUG off,
Redis db 14 for the job queue and the cache, messages only logged) on
loopback, once for each number of workers (default 2, 3 and 4), each on a
fresh copy of a database with the demo organisation and an API token for the
demo agent. `wrk` (Debian package wrk; 2 threads, by default 2 connections
per worker) posts `POST /api/v1/cases` with a new Idempotency-Key and a new
caller each time for `seconds` (default 15) after a 5-second warm-up, and
each run reports:

- requests/s and the 50th, 95th and 99th percentile latencies;
- CPU per request: the user+system time of the master's children (the
  workers, from /proc/<pid>/stat before and after the run) over the
  requests; beside it that of the database's PostgreSQL backends (their
  /proc/<pid>/stat), wrk's, and how busy the whole machine was (/proc/stat),
  since the machine is shared;
- the case-number lock: every number statement timed in the workers by
  bench/intake_gunicorn.py (a `connection.execute_wrapper` installed from the
  gunicorn configuration; nothing in hotline/ changes). "held" is from the
  statement's start to the end of the transaction it ran in (its own, in
  autocommit, since ADR 11), an upper bound: it includes any wait for the
  row and the round trip. p50, p95 and max in ms. Beside it the mean from
  the server's side: pg_locks sampled every 20 ms, the mean number of
  backends holding the counter table's lock (the upsert's RowExclusiveLock
  lasts until its transaction ends) and not waiting, over the numbers taken a
  second (Little's law);
- lock waits: pg_stat_activity sampled with it, the mean number of the
  database's backends with wait_event_type = 'Lock', as a share of the
  workers (each has at most one request in flight) and of the connections;
  and the mean number waiting on WAL (a commit's flush).

Without --against: the work tree as it is, on `hotline_bench_api`; exits 1
when a target is missed (the lock's on both its figures). With --against
(REV defaults to 31bb610^, the code before case numbers got a connection
of their own): REV in a temporary git worktree and this work tree (copied
when the run begins, uncommitted changes included), each on its own
databases migrated and loaded by its own code, alternating before and after
at each number of workers for --rounds rounds
(default 1); prints the medians side by side and exits 0.
"""

import argparse
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from common import before_and_after, git, import_only_from, psql, run_in_tree, strays

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "31bb610^"
PORT = 8391
REDIS_DB = 14
RESULT = "API_INTAKE_RESULT "
TICK = os.sysconf("SC_CLK_TCK")
GUNICORN_CONFIG = Path(__file__).resolve().parent / "intake_gunicorn.py"
TARGET_P95, TARGET_CPU, TARGET_LOCK = 100, 10, 3

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
    '"content":"东街口夜间施工噪音扰民，影响休息，请尽快处理。第%d件。",' ..
    '"disclosure_allowed":true,"request_type":"complaint"}',
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


# -- setup, in a process of its own that imports only the tree's `hotline` ----


def drive_setup(tree: Path, database: str) -> int:
    """Migrate `database`, load the demo organisation and issue the bench's
    API token with the code of `tree`; print the key."""
    import_only_from(tree)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ["HOTLINE_ENV"] = "development"
    os.environ["DJANGO_SETTINGS_MODULE"] = "hotline.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    from hotline.api.tokens import issue_token
    from hotline.organisation.models import Unit, User

    _token, key = issue_token(
        actor=User.objects.filter(is_superuser=True).first(),
        name="bench",
        user=User.objects.get(username="agent"),
        unit=Unit.objects.get(kind="service_center"),
        actions=["register", "forward"],
    )
    outside = strays(tree)
    if outside:
        print(f"modules imported from outside {tree}: {outside}", file=sys.stderr)
        return 2
    print(RESULT + json.dumps({"key": key}), flush=True)
    return 0


def setup(tree: Path, database: str, var: Path) -> str:
    psql(f"DROP DATABASE IF EXISTS {database}")
    psql(f"CREATE DATABASE {database} ENCODING 'UTF8' TEMPLATE template0")
    return run_in_tree(__file__, tree, var, ["--setup", str(tree), database], RESULT)["key"]


# -- helpers -----------------------------------------------------------------


def flush_redis() -> None:
    subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-n", str(REDIS_DB), "flushdb"],
        check=True,
        capture_output=True,
    )


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process, or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # fields from the 3rd (state) on
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def machine_busy() -> tuple[float, float]:
    """CPU seconds busy (all cores) and wall seconds, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICK, time.monotonic()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


class Sampler(threading.Thread):
    """pg_stat_activity and pg_locks every 20 ms, from a connection to the
    bench database: its other client backends, how many wait on a lock or
    on WAL, and how many hold the day's counter (the upsert's RowExclusiveLock
    on the counter table lasts until its transaction ends) without waiting."""

    QUERY = (
        "SELECT a.pid, coalesce(a.wait_event_type = 'Lock', false),"
        " coalesce(a.wait_event LIKE 'WAL%%', false),"
        " a.wait_event_type IS DISTINCT FROM 'Lock' AND EXISTS ("
        "  SELECT FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'relation'"
        "  AND l.granted AND l.relation = %s::regclass"
        "  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
        " FROM pg_stat_activity a WHERE a.datname = current_database()"
        " AND a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()"
    )
    COUNTER = "cases_casenumbercounter"

    def __init__(self, database: str):
        super().__init__(daemon=True)
        import psycopg

        self.db = psycopg.connect(
            f"host=127.0.0.1 user=postgres dbname={database}", autocommit=True
        )
        self.samples: list[tuple[int, int, int, int]] = []
        self.seen: set[int] = set()
        self.stopping = threading.Event()

    def backends(self) -> list[int]:
        return [pid for pid, *_ in self.db.execute(self.QUERY, [self.COUNTER]).fetchall()]

    def run(self):
        while not self.stopping.wait(0.02):
            rows = self.db.execute(self.QUERY, [self.COUNTER]).fetchall()
            self.seen.update(pid for pid, *_ in rows)
            self.samples.append((*(sum(1 for r in rows if r[i]) for i in (1, 2, 3)), len(rows)))

    def stop(self):
        self.stopping.set()
        self.join()
        self.db.close()


# -- one run: one tree, one number of workers -------------------------------


def run_once(
    tree: Path, database: str, key: str, workers: int, connections: int, seconds: int, work: Path
) -> dict:
    psql(f"DROP DATABASE IF EXISTS {database}")
    psql(f"CREATE DATABASE {database} TEMPLATE {database}_template")
    flush_redis()
    locks = work / "numbers"
    locks.mkdir(parents=True)
    (work / "var").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    env.update(
        {
            "PYTHONPATH": str(tree),
            "BENCH_TREE": str(tree),
            "BENCH_LOCK_DIR": str(locks),
            "HOTLINE_VAR_DIR": str(work / "var"),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "HOTLINE_ENV": "production",
            "SECRET_KEY": "bench-only",
            "ALLOWED_HOSTS": "127.0.0.1",
            "HOTLINE_PUBLIC_URL": "http://127.0.0.1",
            "HOTLINE_HTTPS": "0",  # gunicorn over plain HTTP on the loopback
            "HOTLINE_OUTBOX": "log",
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "LOG_LEVEL": "WARNING",
            "HOTLINE_BENCH_KEY": key,
            "PYTHONWARNINGS": "ignore:No directory at:UserWarning",  # no collected static files
        }
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(GUNICORN_CONFIG),
            "hotline.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=tree,
        env=env,
    )
    script = work / "intake.lua"
    script.write_text(SCRIPT)
    wrk = ["wrk", "-t2", f"-c{connections}", "-s", str(script), f"http://127.0.0.1:{PORT}"]
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/openapi.json", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"gunicorn on {tree} exited") from None
                time.sleep(0.2)
        subprocess.run([*wrk, "-d5s"], env=env, check=True, capture_output=True)  # warm-up
        pids = children(server.pid)
        if len(pids) != workers:
            raise SystemExit(f"{len(pids)} gunicorn workers, not {workers}")
        sampler = Sampler(database)
        backends = {pid: cpu_seconds(pid) for pid in sampler.backends()}
        cpu = {pid: cpu_seconds(pid) for pid in pids}
        busy, wall = machine_busy()
        own = resource.getrusage(resource.RUSAGE_CHILDREN)
        sampler.start()
        start = time.time()
        out = subprocess.run(
            [*wrk, f"-d{seconds}s"], env=env, check=True, capture_output=True, text=True
        ).stdout
        end = time.time()
        sampler.stop()
        own_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy_after, wall_after = machine_busy()
        workers_cpu = sum(cpu_seconds(pid) - cpu[pid] for pid in pids)
        pg_cpu = 0.0
        for pid in backends.keys() | sampler.seen:  # one opened during the run from 0
            now = cpu_seconds(pid)
            if now is not None:
                pg_cpu += now - (backends.get(pid) or 0.0)
        if children(server.pid) != pids:
            raise SystemExit("a gunicorn worker was replaced during the run")
    finally:
        server.terminate()
        server.wait()
    strays = list(locks.glob("*.strays"))
    if strays:
        raise SystemExit(f"modules imported from outside {tree}: {strays[0].read_text()}")
    result = dict(
        item.split("=")
        for item in next(line for line in out.splitlines() if "RESULT" in line).split()[1:]
    )
    requests = int(result["requests"])
    statement, held = [], []
    for path in locks.glob("*.numbers"):
        for line in path.read_text().splitlines():
            at, ms, to_end = (float(v) for v in line.split())
            if start <= at <= end:
                statement.append(ms)
                held.append(ms + to_end)
    waiting, wal, holding, conns = ([sample[i] for sample in sampler.samples] for i in range(4))
    mean = statistics.fmean
    return {
        "workers": workers,
        "connections": connections,
        "requests": requests,
        "rate": requests / float(result["seconds"]),
        "errors": int(result["errors"]),
        "p50": float(result["p50"]),
        "p95": float(result["p95"]),
        "p99": float(result["p99"]),
        "cpu_ms": workers_cpu / requests * 1000,
        "pg_ms": pg_cpu / requests * 1000,
        "wrk_ms": (own_after.ru_utime + own_after.ru_stime - own.ru_utime - own.ru_stime)
        / requests
        * 1000,
        "machine_cores": (busy_after - busy) / (wall_after - wall),
        "numbers": len(held),
        "statement_p50": pct(statement, 50),
        "statement_p95": pct(statement, 95),
        "held_p50": pct(held, 50),
        "held_p95": pct(held, 95),
        "held_max": max(held, default=float("nan")),
        # Little's law: the mean number holding the counter over the numbers
        # taken a second is the mean time each holds it.
        "held_mean_pg": mean(holding) / (len(held) / (end - start)) * 1000 if held else 0.0,
        "waiting": mean(waiting),
        "wal": mean(wal),
        "backends": mean(conns),
        "samples": len(waiting),
    }


HEADER = (
    f"{'tree':<7} {'wk':>2} {'conn':>4} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'err':>4}"
    f"  {'CPU ms/req: wk':>14} {'pg':>4} {'wrk':>4} {'machine':>7}"
    f"  {'lock held ms p50':>16} {'p95':>5} {'max':>6} {'stmt p95':>8} {'pg mean':>7}"
    f"  {'lock waits':>10} {'/wk':>5} {'/conn':>5}  {'WAL waits':>9}"
)


def line(side: str, r: dict) -> str:
    return (
        f"{side:<7} {r['workers']:>2} {r['connections']:>4} {r['rate']:>6.1f} {r['p50']:>6.1f}"
        f" {r['p95']:>6.1f} {r['p99']:>6.1f} {r['errors']:>4}"
        f"  {r['cpu_ms']:>14.1f} {r['pg_ms']:>4.1f} {r['wrk_ms']:>4.1f}"
        f" {r['machine_cores']:>5.2f} c"
        f"  {r['held_p50']:>16.2f} {r['held_p95']:>5.2f} {r['held_max']:>6.1f}"
        f" {r['statement_p95']:>8.2f} {r['held_mean_pg']:>7.2f}"
        f"  {r['waiting']:>10.2f} {r['waiting'] / r['workers']:>5.0%}"
        f" {r['waiting'] / r['backends']:>5.0%}  {r['wal']:>9.2f}"
    )


KEYS = (
    "rate",
    "p50",
    "p95",
    "p99",
    "errors",
    "cpu_ms",
    "pg_ms",
    "wrk_ms",
    "machine_cores",
    "held_p50",
    "held_p95",
    "statement_p95",
    "held_mean_pg",
    "held_max",
    "waiting",
    "wal",
    "backends",
)


def median(runs: list[dict]) -> dict:
    merged = {k: statistics.median(r[k] for r in runs) for k in KEYS}
    merged["errors"] = sum(r["errors"] for r in runs)
    merged["held_max"] = max(r["held_max"] for r in runs)
    merged.update(workers=runs[0]["workers"], connections=runs[0]["connections"])
    return merged


def verdicts(rows: list[dict]) -> list[tuple[str, bool]]:
    rates = [r["rate"] for r in rows]
    best = max(rows, key=lambda r: r["rate"])
    # Issue 14 withdrew the 300 requests/s target; the best rate is shown beside
    # the p95 target, which stands.
    return [
        (
            f"p95 < {TARGET_P95} ms at the best rate (best: {best['rate']:.0f}/s,"
            f" p95 {best['p95']:.0f} ms at {best['workers']} workers)",
            best["p95"] < TARGET_P95,
        ),
        (
            f"<= {TARGET_CPU} ms of the workers' CPU per request at every number of workers"
            f" ({', '.join(format(r['cpu_ms'], '.1f') for r in rows)})",
            all(r["cpu_ms"] <= TARGET_CPU for r in rows),
        ),
        (
            f"number lock held < {TARGET_LOCK} ms at every number of workers, p95 of the"
            " statement's start to its transaction's end in the worker (an upper bound:"
            f" {', '.join(format(r['held_p95'], '.2f') for r in rows)})",
            all(r["held_p95"] < TARGET_LOCK for r in rows),
        ),
        (
            f"number lock held < {TARGET_LOCK} ms at every number of workers, mean from"
            f" pg_locks ({', '.join(format(r['held_mean_pg'], '.2f') for r in rows)})",
            all(r["held_mean_pg"] < TARGET_LOCK for r in rows),
        ),
        (
            "requests/s does not fall as workers are added (each step within 5 %:"
            f" {' -> '.join(f'{x:.0f}' for x in rates)})",
            all(b >= a * 0.95 for a, b in itertools.pairwise(rates)),
        ),
        ("no request failed", all(r["errors"] == 0 for r in rows)),
    ]


def bench(
    trees: dict[str, Path],
    workers: list[int],
    per_worker: int,
    fixed: int | None,
    seconds: int,
    rounds: int,
) -> dict[str, list[dict]]:
    scratch = Path(tempfile.mkdtemp(prefix="hotline-api-intake-"))
    databases = {
        side: "hotline_bench_api" if len(trees) == 1 else f"hotline_bench_api_{side}"
        for side in trees
    }
    results = {side: {w: [] for w in workers} for side in trees}
    try:
        keys = {}
        for side, tree in trees.items():
            began = time.perf_counter()
            keys[side] = setup(tree, f"{databases[side]}_template", scratch / f"var-{side}")
            took = time.perf_counter() - began
            print(f"{side}: {databases[side]}_template set up in {took:.0f} s")
        print(f"\n{seconds} s per run after a 5 s warm-up, {rounds} round(s)\n")
        print(HEADER)
        for n in range(1, rounds + 1):
            for w in workers:
                for side, tree in trees.items():
                    r = run_once(
                        tree,
                        databases[side],
                        keys[side],
                        w,
                        fixed or per_worker * w,
                        seconds,
                        scratch / f"{side}-{w}-{n}",
                    )
                    results[side][w].append(r)
                    print(line(side, r), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        flush_redis()
        for name in databases.values():
            psql(f"DROP DATABASE IF EXISTS {name}")
            psql(f"DROP DATABASE IF EXISTS {name}_template")
    return {side: [median(results[side][w]) for w in workers] for side in trees}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("seconds", nargs="?", type=int, default=15, help="per run (default 15)")
    parser.add_argument("--workers", default="2,3,4", help="gunicorn workers per run (2,3,4)")
    parser.add_argument("--connections", type=int, help="wrk connections (default 2 per worker)")
    parser.add_argument("--against", nargs="?", const=BASELINE, metavar="REV")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--setup", nargs=2, metavar=("TREE", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        return drive_setup(Path(args.setup[0]).resolve(), args.setup[1])
    if not shutil.which("wrk"):
        print("needs wrk: apt-get install -y wrk")
        return 2
    workers = [int(w) for w in args.workers.split(",")]
    common = (workers, 2, args.connections, args.seconds, args.rounds)
    print(
        "columns: CPU ms per request of the gunicorn workers (wk), the database's PostgreSQL"
        " backends (pg) and wrk, and the whole machine's busy cores (machine, of"
        f" {os.cpu_count()}); the number lock's hold in ms, timed in the workers (the statement's"
        " start to its transaction's end, an upper bound), the statement alone, and the mean"
        " from pg_locks (pg mean); the database's backends waiting on a lock (mean), per worker"
        " and per connection, and waiting on WAL (mean)\n"
    )
    if args.against is None:
        rows = bench({"current": ROOT}, *common)["current"]
        print("\ntargets:")
        checks = verdicts(rows)
        for text, ok in checks:
            print(f"  {'met   ' if ok else 'MISSED'} {text}")
        return 0 if all(ok for _, ok in checks) else 1

    try:
        baseline = git("rev-parse", "--verify", "--quiet", f"{args.against}^{{commit}}")
    except subprocess.CalledProcessError:
        raise SystemExit(f"{args.against!r} is not a revision") from None
    changed = git("status", "--porcelain", "--untracked-files=normal")
    with before_and_after(baseline, "hotline-intake-before-after-") as trees:
        print(f"before: {baseline[:10]} ({args.against}), checked out in {trees['before']}")
        print(
            f"after:  {git('rev-parse', 'HEAD')[:10]} (HEAD)"
            + (" with the uncommitted changes" if changed else ", clean")
            + f", copied to {trees['after']}\n"
        )
        rows = bench(trees, *common)
    print("\nmedians\n" + HEADER)
    for i in range(len(workers)):
        for side in trees:
            print(line(side, rows[side][i]))
    for side in trees:
        print(f"\ntargets, {side}:")
        for text, ok in verdicts(rows[side]):
            print(f"  {'met   ' if ok else 'MISSED'} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
