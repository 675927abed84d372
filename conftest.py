import os

import pytest
from django.conf import settings

# Hashing demo passwords at full strength would dominate the test run.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the Fuzhou demo organisation."""
    from hotline.cases.demo import load_categories
    from hotline.organisation.demo import load_fuzhou_demo

    with django_db_blocker.unblock():
        load_fuzhou_demo()
        load_categories()
    yield
    # The test database can be dropped only once no connection is open.
    from hotline.cases import numbers

    numbers.close_numbering()


@pytest.fixture(autouse=True)
def case_numbers_start_again(django_db_blocker):
    """On PostgreSQL case numbers are taken on a connection of their own and
    committed at once (hotline/cases/numbers.py), outside the transaction a
    test rolls back: each test starts the day's numbers again, as it would
    on a database of its own."""
    yield
    from hotline.cases import numbers

    if numbers._own is not None:
        with django_db_blocker.unblock(), numbers._own.cursor() as cursor:
            cursor.execute("DELETE FROM cases_casenumbercounter")


@pytest.fixture(autouse=True)
def cache_emptied():
    """The cache outlives a test's rolled-back database: what one test kept
    (public pages, throttle counts) must not answer the next."""
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def unit():
    from hotline.organisation.models import Unit

    return lambda name: Unit.objects.get(name=name)


@pytest.fixture
def person():
    from hotline.organisation.models import User

    return lambda username: User.objects.get(username=username)


@pytest.fixture
def committed_demo(transactional_db):
    """For tests whose data must be committed (several real connections).

    A transactional test empties every table when it ends, seeded ones
    included, so the next one puts the seeds and the demo back first."""
    import importlib

    from django.apps import apps

    from hotline.cases.demo import load_categories
    from hotline.organisation.demo import demo_is_loaded, load_fuzhou_demo

    if demo_is_loaded():
        return
    for module, function in (
        ("hotline.calendar.migrations.0002_seed_published_schedules", "seed"),
        ("hotline.policy.migrations.0002_fuzhou_policy", "seed"),
        ("hotline.notifications.migrations.0003_message_keys_unique", "seed_templates"),
        ("hotline.cases.migrations.0015_request_types", "seed_request_types"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)
    load_fuzhou_demo()
    load_categories()


# The workflow helpers (travel in Fuzhou time, the demo staff acting on
# cases) serve every app's tests.
from hotline.cases.tests.conftest import clock, flow  # noqa: E402, F401

# Playwright drives Debian's Chromium (its own browser download cannot reach
# the network here). Its sync API runs an event loop in the test's thread,
# which Django would otherwise take for an async context.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def chinese():
    """Every test starts in the UI's language: a request made in English
    leaves English active in the thread (LocaleMiddleware does not reset it),
    and a verb's refusal is worded in the language active when it is raised."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Counters and cached figures never leak from one test into another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# Browser tests skip themselves when Chromium is missing (their skip reason
# starts with this). A quiet "s" would let a run without them pass for a full
# one: the summary says so in red, and under CI=true the run fails.
BROWSER_SKIP = "needs Chromium"
_browser_skips = []


def pytest_runtest_logreport(report):
    if report.skipped and BROWSER_SKIP in str(report.longrepr):
        _browser_skips.append(report.nodeid)


def _in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_sessionfinish(session, exitstatus):
    if _browser_skips and _in_ci() and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if not _browser_skips:
        return
    terminalreporter.section("BROWSER TESTS NOT RUN", sep="!", red=True, bold=True)
    terminalreporter.line(
        f"{len(_browser_skips)} browser tests did not run: no Chromium at {CHROMIUM}. "
        "Install it (Debian: apt-get install chromium; screenshots also need "
        "fonts-noto-cjk) or point HOTLINE_CHROMIUM at one.",
        red=True,
        bold=True,
    )
    if _in_ci():
        terminalreporter.line(
            "CI=true: a run without its browser tests fails.", red=True, bold=True
        )
