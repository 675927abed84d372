"""gunicorn configuration for bench/api_intake.py: serves Hotline from the
tree in BENCH_TREE alone and times the case-number statement in each worker.

    gunicorn -c bench/intake_gunicorn.py hotline.wsgi

Nothing in hotline/ is changed. After a worker has loaded the app, every
database connection it opens gets a `connection.execute_wrapper` (Django's
own hook) that spots the day's counter upsert (`INSERT INTO
cases_casenumbercounter ... ON CONFLICT ... RETURNING last`) and appends a
line per number to BENCH_LOCK_DIR/<pid>.numbers:

    <wall clock> <statement ms> <statement's return to commit ms>

The upsert locks the day's counter row until its transaction ends. On a
connection in autocommit (numbers taken on a connection of their own, ADR 11)
that is the statement itself, and the second figure is 0. Inside a
transaction (numbers taken in the registration's transaction, before ADR 11)
the row stays locked until that transaction commits or rolls back; the
connection's `_commit`/`_rollback` are wrapped to see when that returns. The
statement's time includes any wait for the row and the round trip, so their
sum is an upper bound on the time the lock is held, and the second figure a
lower bound.
"""

import os
import sys
import time
from pathlib import Path

TREE = Path(os.environ["BENCH_TREE"]).resolve()
OUT = Path(os.environ["BENCH_LOCK_DIR"])

# The venv's editable install of Hotline resolves a module missing from the
# tree to the main work tree's: drop it (in the master, so the workers, forked
# from it, import `hotline` from the tree on the path alone).
sys.meta_path[:] = [
    f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")
]


def post_worker_init(worker):
    from django.db import connections
    from django.db.backends.signals import connection_created

    from hotline.cases.models import CaseNumberCounter

    strays = sorted(
        name
        for name, module in sys.modules.items()
        if name.split(".")[0] == "hotline"
        and getattr(module, "__file__", None)
        and not Path(module.__file__).resolve().is_relative_to(TREE)
    )
    if strays:
        (OUT / f"{os.getpid()}.strays").write_text("\n".join(strays) + "\n")

    prefix = f"INSERT INTO {CaseNumberCounter._meta.db_table} "
    out = open(OUT / f"{os.getpid()}.numbers", "a", buffering=1)  # noqa: SIM115 (the worker's life)

    def ended(conn):
        """The transaction holding a number ended: note when."""
        pending = conn.__dict__.pop("_bench_number", None)
        if pending is not None:
            wall, start, returned = pending
            done = time.perf_counter()
            out.write(f"{wall:.6f} {(returned - start) * 1e3:.4f} {(done - returned) * 1e3:.4f}\n")

    def timed(execute, sql, params, many, context):
        if not sql.startswith(prefix):
            return execute(sql, params, many, context)
        conn = context["connection"]
        wall, start = time.time(), time.perf_counter()
        result = execute(sql, params, many, context)
        returned = time.perf_counter()
        conn.__dict__["_bench_number"] = (wall, start, returned)
        if not conn.in_atomic_block and conn.get_autocommit():
            ended(conn)  # committed with the statement
        return result

    def wrap_ends(conn):
        for name in ("_commit", "_rollback"):
            original = getattr(conn, name)

            def wrapped(*args, _original=original, **kwargs):
                try:
                    return _original(*args, **kwargs)
                finally:
                    ended(conn)

            setattr(conn, name, wrapped)

    def install(conn):
        if timed not in conn.execute_wrappers:
            conn.execute_wrappers.append(timed)
            wrap_ends(conn)

    def on_connect(sender, connection, **kwargs):
        install(connection)

    connection_created.connect(on_connect, weak=False)
    for conn in connections.all():
        install(conn)
