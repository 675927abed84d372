"""Every UI string has its Simplified Chinese translation, compiled."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "hotline" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def untranslated(po):
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]


def test_committed_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(CATALOGUE))
    assert untranslated(po) == []
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    assert {(e.msgid, e.msgstr) for e in compiled if not e.msgid_plural} == {
        (e.msgid, e.msgstr) for e in po if not e.msgid_plural
    }


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (Debian: gettext)")
def test_every_marked_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh from a copy of the code and compare."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "var", "*.pyc", "__pycache__", "staticfiles"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "-i",
            "bench/*",
            "-i",
            "scripts/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "HOTLINE_ENV": "development",
            "PATH": "/usr/bin:/bin",
            "HOTLINE_VAR_DIR": str(tmp_path),
        },
    )
    fresh = polib.pofile(str(copy / CATALOGUE.relative_to(ROOT)))
    assert untranslated(fresh) == []


def test_no_ui_text_shows_a_rule_id():
    """An outside re-test of issue 12: "疑似重复诉求（D7）", "当月查阅超时
    （R11(1)）" and 44 more on the pages staff see. The rule IDs are this
    project's index of the regulation (RULES.md), not words of the
    regulation: they mean nothing to a user, in Chinese or in English (issue
    15: "Choose one of the nine reasons of R3." on an English page). The
    code's comments and docstrings keep them for its readers."""
    rule = re.compile(r"(?<![A-Za-z0-9])[RDN]\d")
    po = polib.pofile(str(CATALOGUE))
    shown = [
        text
        for e in po
        if not e.obsolete
        for text in (e.msgid, e.msgid_plural, e.msgstr, *e.msgstr_plural.values())
        if rule.search(text)
    ]
    assert shown == []
