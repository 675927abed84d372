"""Benchmark: the full path of a case, register to close (target: at least
100 cases per second in one process on PostgreSQL).

    .venv/bin/python bench/case_path.py [cases]
    .venv/bin/python bench/case_path.py [cases] --against [REV] [--rounds N]

Each case goes through 12 actions: register (with forward), accept,
classify, dispatch, read, instruct, draft reply, approve, review, close,
rate, after a warm-up of 20 cases. It reports cases per second and the SQL
statements the verbs send per case (counted with `execute_wrapper` on every
connection the process opens, less SAVEPOINT and RELEASE SAVEPOINT).

Without --against (the default, 1000 cases): measures the current tree on a
fresh database `hotline_bench` on the local PostgreSQL (or on
BENCH_DATABASE_URL), migrated and loaded with the demo organisation, and
exits 1 when the target is missed.

With --against (300 cases unless given; REV defaults to 029d561^, the code
before issue 13 began): before and after in one run, as a ratio. REV is
checked out into a temporary git worktree outside the repository (removed
afterwards); "after" is this work tree as it is when the run begins,
uncommitted changes included, copied to a temporary directory (what git tracks or would
add) so that an edit during the run does not change what is measured; the
run says when the work tree changed meanwhile. Each tree gets its own
database, migrated by that tree's migrations and loaded with its demo
organisation, copied afresh for each round. Rounds alternate (before,
after, before, after...), each in its own process that imports only that
tree's `hotline`. Prints the median cases per second and statements per
case of each, and after/before; exits 0. The cases argument goes before
--against (`case_path.py 300 --against`), since a word after --against is
taken for the revision.
"""

import argparse
import contextlib
import hashlib
import inspect
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import before_and_after, git, import_only_from, psql, run_in_tree, strays

TARGET = 100
BASELINE = "029d561^"
ROOT = Path(__file__).resolve().parent.parent
RESULT = "CASE_PATH_RESULT "
VERBS = (
    "register_case",
    "accept_case",
    "classify_case",
    "dispatch_case",
    "read_assignment",
    "instruct_assignment",
    "draft_reply",
    "approve_reply",
    "review_reply",
    "close_case",
    "rate_case",
    "PartPlan",
    "RequesterDetails",
)


def track_connections() -> list:
    """The connections this process opens from now on. Every one is counted:
    on PostgreSQL a tree may take case numbers on a connection of its own
    (cases/numbers.py)."""
    from django.db import connections

    opened = []
    create_connection = connections.create_connection

    def opening(alias):
        opened.append(create_connection(alias))
        return opened[-1]

    connections.create_connection = opening
    return opened


def run_path(cases: int, opened: list, warmup: int = 20) -> dict:
    """Move `warmup`, then `cases` cases through the 12 actions in this
    process (Django set up on a database with the demo organisation), and
    count the statements sent on the `opened` connections."""
    from django.db import connections

    from hotline.cases import actions
    from hotline.cases.actions import PartPlan, RequesterDetails
    from hotline.cases.models import Category
    from hotline.organisation.models import Unit, User

    agent, dispatcher, reviewer, handler, leader = (
        User.objects.get(username=u)
        for u in ("agent", "city_dispatcher", "city_reviewer", "city_handler", "city_leader")
    )
    category = Category.objects.get(code="CG")
    unit = Unit.objects.get(name="福州市城市管理委员会")

    sent = [0]
    counting = [True]

    def count(execute, sql, params, many, context):
        if counting[0] and not sql.lstrip().startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            sent[0] += 1
        return execute(sql, params, many, context)

    def one(i):
        case = actions.register_case(
            actor=agent,
            channel="phone",
            requester=RequesterDetails(name="测试", phone=f"139{i:08d}"),
            content=f"第{i}号测试诉求：路灯损坏，请维修。",
            disclosure_allowed=True,
            category=category,
        )
        actions.accept_case(actor=dispatcher, case=case)
        actions.classify_case(actor=dispatcher, case=case, mode="public")
        actions.dispatch_case(actor=dispatcher, case=case, parts=[PartPlan(sole=unit)])
        counting[0] = False  # the benchmark's own read, not a verb's
        assignment = case.assignments.get()
        counting[0] = True
        actions.read_assignment(actor=handler, assignment=assignment)
        actions.instruct_assignment(actor=leader, assignment=assignment, instruction="办理")
        actions.draft_reply(actor=handler, assignment=assignment, content="已修复。")
        actions.approve_reply(actor=leader, assignment=assignment)
        actions.review_reply(actor=reviewer, part=assignment.part, approve=True)
        actions.close_case(actor=reviewer, case=case)
        actions.rate_case(case=case, satisfaction="satisfied")

    for i in range(warmup):  # warm up connections and caches
        one(i)
    per_case = []
    opened = [connections["default"], *opened]
    with contextlib.ExitStack() as counted:
        for each in {id(c): c for c in opened}.values():
            counted.enter_context(each.execute_wrapper(count))
        t0, cpu0 = time.perf_counter(), time.process_time()
        for i in range(warmup, warmup + cases):
            before = sent[0]
            one(i)
            per_case.append(sent[0] - before)
            if os.environ.get("BENCH_PROGRESS") and (i - warmup) % 100 == 99:
                print(f"  {i - warmup + 1} cases: {time.perf_counter() - t0:.1f} s", flush=True)
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
    return {
        "cases": cases,
        "elapsed": elapsed,
        "cpu": cpu,  # this process's, not PostgreSQL's
        "connections": len({id(c) for c in opened}),
        "rate": cases / elapsed,
        "statements": sum(per_case) / cases,
        "statements_min": min(per_case),
        "statements_max": max(per_case),
    }


# -- the driver: one round in a process of its own, on one tree ------------


def signature(verb) -> str:
    """The verb's parameters, with types by their names only (a class moved
    to another module of the actions package is the same class)."""
    text = re.sub(r"<class '(?:[\w.]+\.)?(\w+)'>", r"\1", str(inspect.signature(verb)))
    return re.sub(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)", r"\1", text)


def drive(tree: Path, database: str, cases: int, warmup: int, setup: bool) -> int:
    """Import `hotline` from `tree` alone, then either migrate and load the
    demo organisation (`setup`) or run the path; print the result as JSON."""
    import_only_from(tree)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("HOTLINE_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hotline.settings"
    import django

    opened = track_connections()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if setup:
        call_command("migrate", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", stdout=quiet)
        from hotline.cases import actions

        result = {"signatures": {n: signature(getattr(actions, n)) for n in VERBS}}
    else:
        result = run_path(cases, opened, warmup)
    outside = strays(tree)
    if outside:
        print(f"modules imported from outside {tree}: {outside}", file=sys.stderr)
        return 2
    print(RESULT + json.dumps(result), flush=True)
    return 0


# -- before and after --------------------------------------------------------


def work_tree_state() -> str:
    """A fingerprint of the work tree's changes against HEAD."""
    digest = hashlib.sha256(git("rev-parse", "HEAD").encode())
    digest.update(
        subprocess.run(
            ["git", "-C", str(ROOT), "diff", "HEAD", "--binary"], check=True, capture_output=True
        ).stdout
    )
    for name in git("ls-files", "--others", "--exclude-standard").splitlines():
        digest.update(name.encode())
        path = ROOT / name
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def in_tree(tree: Path, var: Path, *args: str) -> dict:
    """Run this script's driver in a process of its own on `tree`."""
    return run_in_tree(__file__, tree, var, ["--driver", "--tree", str(tree), *args], RESULT)


def compare(rev: str, cases: int, rounds: int, warmup: int) -> int:
    try:
        baseline = git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except subprocess.CalledProcessError:
        raise SystemExit(
            f"{rev!r} is not a revision (give the number of cases before --against)"
        ) from None
    head = git("rev-parse", "HEAD")
    changed = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "-z", "--untracked-files=normal"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    changed = [entry[3:] for entry in changed if entry[2:3] == " "]
    state = work_tree_state()
    databases = {"before": "hotline_bench_before", "after": "hotline_bench_after"}
    with before_and_after(baseline, "hotline-before-after-") as trees:
        try:
            return compare_trees(
                trees, databases, state, (baseline, rev, head, changed), cases, rounds, warmup
            )
        finally:
            for name in databases.values():
                psql(f"DROP DATABASE IF EXISTS {name}")
                psql(f"DROP DATABASE IF EXISTS {name}_template")


def compare_trees(trees, databases, state, shown, cases, rounds, warmup) -> int:
    baseline, rev, head, changed = shown
    scratch = trees["after"].parent
    results = {"before": [], "after": []}
    print(f"before: {baseline[:10]} ({rev}), checked out in {trees['before']}")
    print(f"after:  {head[:10]} (HEAD) and the work tree as it is now", end="")
    print(f", uncommitted: {', '.join(changed)}" if changed else ", clean", end="")
    print(f"; copied to {trees['after']}")
    signatures = {}
    for side, tree in trees.items():
        template = f"{databases[side]}_template"
        psql(f"DROP DATABASE IF EXISTS {template}")
        psql(f"CREATE DATABASE {template} ENCODING 'UTF8' TEMPLATE template0")
        started = time.perf_counter()
        signatures[side] = in_tree(
            tree, scratch / f"var-{side}-setup", "--database", template, "--setup"
        )["signatures"]
        took = time.perf_counter() - started
        print(f"{side}: {template} migrated and loaded in {took:.1f} s")
    differ = [n for n in VERBS if signatures["before"][n] != signatures["after"][n]]
    print(
        "signatures of the verbs used: "
        + (f"differ: {', '.join(differ)}" if differ else "the same before and after")
    )
    for name in differ:
        print(f"  {name} before{signatures['before'][name]}")
        print(f"  {name} after {signatures['after'][name]}")
    print(f"\n{cases} cases x 12 actions per round after {warmup} to warm up")
    print(
        f"{'round':>5}  {'tree':<6}  {'cases/s':>7}  {'ms/case':>7}  {'CPU ms':>7}  statements/case"
    )
    for n in range(1, rounds + 1):
        for side, tree in trees.items():
            psql(f"DROP DATABASE IF EXISTS {databases[side]}")
            psql(f"CREATE DATABASE {databases[side]} TEMPLATE {databases[side]}_template")
            r = in_tree(
                tree,
                scratch / f"var-{side}-{n}",
                "--database",
                databases[side],
                "--cases",
                str(cases),
                "--warmup",
                str(warmup),
            )
            results[side].append(r)
            spread = (
                f" ({r['statements_min']}-{r['statements_max']})"
                if r["statements_min"] != r["statements_max"]
                else ""
            )
            print(
                f"{n:>5}  {side:<6}  {r['rate']:>7.1f}  {r['elapsed'] / cases * 1000:>7.1f}"
                f"  {r['cpu'] / cases * 1000:>7.1f}  {r['statements']:.1f}{spread}",
                flush=True,
            )
    if work_tree_state() != state:
        print(
            "\nThe work tree changed during the run: what was measured as after is its"
            " state when the run began."
        )
    rate = {s: statistics.median(r["rate"] for r in results[s]) for s in trees}
    statements = {s: statistics.median(r["statements"] for r in results[s]) for s in trees}
    cpu = {s: statistics.median(r["cpu"] / cases * 1000 for r in results[s]) for s in trees}
    # Each round beside the other tree's round next to it: on a shared
    # machine the load shifts between pairs more than within one.
    pairs = statistics.median(
        a["rate"] / b["rate"] for b, a in zip(results["before"], results["after"], strict=True)
    )
    print(f"\n{'median':<16}  {'before':>7}  {'after':>7}  after/before")
    print(
        f"{'cases/s':<16}  {rate['before']:>7.1f}  {rate['after']:>7.1f}"
        f"  {rate['after'] / rate['before']:.2f}"
    )
    print(
        f"{'statements/case':<16}  {statements['before']:>7.1f}  {statements['after']:>7.1f}"
        f"  {statements['after'] / statements['before']:.2f}"
    )
    print(
        f"{'CPU ms/case':<16}  {cpu['before']:>7.1f}  {cpu['after']:>7.1f}"
        f"  {cpu['after'] / cpu['before']:.2f}  (this process, not PostgreSQL)"
    )
    print(f"cases/s after/before, median of the {rounds} pairs of rounds: {pairs:.2f}")
    opened = {s: max(r["connections"] for r in results[s]) for s in trees}
    print(f"connections counted: before {opened['before']}, after {opened['after']}")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


# -- the current tree alone, against the target ------------------------------


def measure(cases: int) -> int:
    from common import fresh_demo_database, setup_django

    opened = track_connections()
    if "BENCH_DATABASE_URL" in os.environ:
        setup_django(os.environ["BENCH_DATABASE_URL"])
    else:
        fresh_demo_database("hotline_bench")
    r = run_path(cases, opened)
    print(
        f"{cases} cases x 12 actions in {r['elapsed']:.2f} s: {r['rate']:.0f} cases/s "
        f"({r['elapsed'] / cases * 1000:.1f} ms per case, {r['statements']:.1f} statements)"
    )
    print(f"target: at least {TARGET} cases/s -> {'met' if r['rate'] >= TARGET else 'MISSED'}")
    return 0 if r["rate"] >= TARGET else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("cases", nargs="?", type=int, help="1000 alone, 300 with --against")
    parser.add_argument(
        "--against",
        nargs="?",
        const=BASELINE,
        metavar="REV",
        help=f"measure REV (default {BASELINE}) and this work tree, alternating",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each (default 3)")
    parser.add_argument("--warmup", type=int, default=20, help=argparse.SUPPRESS)
    parser.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--cases", dest="driver_cases", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.driver:
        return drive(
            args.tree.resolve(), args.database, args.driver_cases or 0, args.warmup, args.setup
        )
    if args.against is not None:
        return compare(args.against, args.cases or 300, args.rounds, args.warmup)
    return measure(args.cases or 1000)


if __name__ == "__main__":
    sys.exit(main())
