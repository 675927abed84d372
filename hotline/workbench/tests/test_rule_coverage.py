"""Every rule of RULES.md is cited by code and by a test (scripts/rule_coverage.py)."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "rule_coverage.py"


def load():
    spec = importlib.util.spec_from_file_location("rule_coverage", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not load().RULES.exists(), reason="needs ../shared/regulation/RULES.md")
def test_every_rule_has_code_and_a_test():
    lines, missing = load().report()
    assert missing == [], "\n".join(lines)
