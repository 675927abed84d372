"""A run whose browser tests were skipped for want of Chromium says so in
red, and fails under CI=true (conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_browser_tests(ci):
    env = {**os.environ, "HOTLINE_CHROMIUM": "/nonexistent/chromium"}
    env.pop("CI", None)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "hotline/portal/tests/test_portal_browser.py",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_skipped_browser_tests_are_reported_loudly():
    result = run_browser_tests(ci=False)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "BROWSER TESTS NOT RUN" in result.stdout
    assert "apt-get install chromium" in result.stdout


def test_under_ci_a_run_without_its_browser_tests_fails():
    result = run_browser_tests(ci=True)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "CI=true: a run without its browser tests fails." in result.stdout
