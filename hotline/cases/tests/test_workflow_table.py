"""The transition table itself (pure, no database)."""

import importlib.util
from pathlib import Path

import pytest

from hotline.cases.workflow import (
    TRANSITIONS,
    InvalidTransition,
    case_state_from_parts,
    check,
)

ROOT = Path(__file__).resolve().parents[3]

CHECKS = [
    # (action, state, assignment role, allowed)
    ("register", None, None, True),  # a new case
    ("register", "registered", None, False),  # never twice
    ("forward", "registered", None, True),  # R5
    ("refuse", "screening", None, True),  # R3
    ("refuse", "dispatching", None, False),  # accepted cases are not refused
    ("classify", "dispatching", None, True),  # R6
    ("dispatch", "awaiting_dispatch", None, True),  # R7
    ("dispatch", "take_back_requested", None, False),  # wait for the city's answer (R8.3b)
    ("read", "received", "co", True),  # co-handlers read too (D6)
    ("contribute", "instructed", "lead", False),  # only co-handlers contribute (D6)
    ("contribute", "instructed", "co", True),
    ("draft_reply", "instructed", "co", False),  # only the lead replies (D6)
    ("draft_reply", "redo", "sole", True),  # R8.4a
    ("approve_reply", "awaiting_approval", "lead", True),  # R8.2
    ("return", "awaiting_approval", "sole", False),  # too late once a reply is drafted
    ("review", "reviewing", None, True),  # R8.4a
    ("close", "reviewing", None, False),  # R9: not before approval
    ("close", "approved", None, True),
    ("rate", "closed", None, True),  # D9
    ("reopen", "approved", None, False),  # D9: only closed cases
]


@pytest.mark.parametrize(("action", "state", "role", "allowed"), CHECKS)
def test_transition_table(action, state, role, allowed):
    if allowed:
        assert check(action, state, role).action == action
    else:
        with pytest.raises(InvalidTransition):
            check(action, state, role)


@pytest.mark.parametrize(
    ("parts", "case_state"),
    [
        (["awaiting_dispatch"], "dispatching"),
        (["handling", "awaiting_dispatch"], "dispatching"),  # R8.7: least advanced part
        (["reviewing", "redo"], "handling"),
        (["reviewing", "approved"], "reviewing"),
        (["approved", "approved"], "approved"),
    ],
)
def test_case_state_follows_its_parts_R8_7(parts, case_state):
    assert case_state_from_parts(parts) == case_state


def test_every_action_names_its_rules():
    assert all(t.rules for t in TRANSITIONS)
    assert len({t.action for t in TRANSITIONS}) == len(TRANSITIONS)


def test_docs_workflow_is_generated_from_the_table():
    spec = importlib.util.spec_from_file_location(
        "diagram", ROOT / "scripts" / "workflow_diagram.py"
    )
    diagram = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(diagram)
    assert (ROOT / "docs" / "workflow.md").read_text(encoding="utf-8") == diagram.render()
