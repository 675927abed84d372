"""What the database benchmarks share: a fresh PostgreSQL database with the
demo organisation loaded, and Django set up on it."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_demo_database(name: str) -> None:
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(
        [*psql, f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"], check=True
    )
    setup_django(f"postgres://postgres@127.0.0.1:5432/{name}", migrate=True)


def setup_django(url: str, migrate: bool = False) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("HOTLINE_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if migrate:
        call_command("migrate", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", stdout=quiet)


# -- before and after: another revision beside the work tree ------------------


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c", sql],
        check=True,
        stderr=subprocess.DEVNULL,  # NOTICE: database ... does not exist, skipping
    )


def snapshot(dest: Path) -> None:
    """Copy the work tree's files (tracked and untracked, less the ignored)
    to `dest`: the after rounds then all run the code as it was when the run
    began, even if someone edits the work tree meanwhile."""
    names = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file() or source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name, follow_symlinks=False)


@contextlib.contextmanager
def before_and_after(baseline: str, prefix: str):
    """{"before": `baseline` checked out, "after": a copy of the work tree},
    both removed afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    trees = {"before": scratch / "before", "after": scratch / "after"}
    snapshot(trees["after"])
    worktree = ["git", "-C", str(ROOT), "worktree"]
    subprocess.run(
        [*worktree, "add", "--quiet", "--detach", str(trees["before"]), baseline], check=True
    )
    try:
        yield trees
    finally:
        subprocess.run([*worktree, "remove", "--force", str(trees["before"])], check=False)
        subprocess.run([*worktree, "prune"], check=False)
        shutil.rmtree(scratch, ignore_errors=True)


def import_only_from(tree: Path) -> None:
    """Import `hotline` from `tree` alone: the venv's editable install of
    Hotline would resolve a module missing from the tree to the main work
    tree's."""
    sys.path.insert(0, str(tree))
    sys.meta_path[:] = [
        f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")
    ]


def strays(tree: Path) -> list[str]:
    """Modules of `hotline` imported from outside `tree`."""
    return sorted(
        name
        for name, module in sys.modules.items()
        if name.split(".")[0] == "hotline"
        and getattr(module, "__file__", None)
        and not Path(module.__file__).resolve().is_relative_to(tree)
    )


def run_in_tree(script: str, tree: Path, var: Path, args: list[str], prefix: str) -> dict:
    """Run `script` in a process of its own that imports `hotline` from
    `tree`, its job queue's file in `var` (outside the trees), and return
    the JSON it printed after `prefix`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "BENCH_DATABASE_URL", "PYTHONPATH")
    }
    env["PYTHONPATH"] = str(tree)
    env.setdefault("HOTLINE_ENV", "development")
    var.mkdir(parents=True, exist_ok=True)
    env["HOTLINE_VAR_DIR"] = str(var)
    run = subprocess.run(
        [sys.executable, str(Path(script).resolve()), *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith(prefix)]
    if run.returncode != 0 or not lines:
        sys.stderr.write(run.stdout + run.stderr)
        raise SystemExit(f"{Path(script).name} failed on {tree} ({' '.join(args)})")
    return json.loads(lines[-1][len(prefix) :])
