"""What the database benchmarks share: a fresh PostgreSQL database with the
demo organisation loaded, and Django set up on it."""

import os
import subprocess
import sys
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
