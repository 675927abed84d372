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


MOVES = [
    # (action, entity, from (None: new), to, allowed)
    ("review", "part", "reviewing", "approved", True),  # R8.4b
    ("review", "part", "reviewing", "redo", True),  # R8.4a
    ("review", "part", "handling", "approved", False),  # only a reply under review
    ("review", "assignment", "contributed", "done", True),  # co-handlers finish with the part
    ("approve_reply", "assignment", "awaiting_approval", "submitted", True),  # R8.2
    ("approve_reply", "part", "handling", "reviewing", True),  # the part goes to review
    ("approve_reply", "part", "redo", "reviewing", True),  # a redone reply too
    ("read", "assignment", "instructed", "read", False),  # read once
    ("dispatch", "assignment", None, "received", True),  # dispatch makes assignments
    ("dispatch", "assignment", None, "read", False),  # ...unread
    ("accept", "part", None, "awaiting_dispatch", True),  # the case's first part
    ("register", "case", None, "screening", True),  # forwarded as it is registered (R5)
    ("decide_return", "part", "handling", "awaiting_dispatch", True),  # withdrawn (R8.3a)
    ("decide_return", "assignment", "return_requested", "instructed", True),  # rejected (D3)
    ("reopen", "part", "approved", "redo", True),  # D9
    ("close", "case", "reviewing", "closed", False),  # only once approved (R9)
]


@pytest.mark.parametrize("action, entity, source, target, allowed", MOVES)
def test_every_state_a_verb_writes_is_a_move_of_its_action(action, entity, source, target, allowed):
    from hotline.cases.workflow import InvalidMove, moved

    if allowed:
        assert moved(action, entity, source, target) == target
    else:
        with pytest.raises(InvalidMove):
            moved(action, entity, source, target)


def _writes_without_the_table(tree):
    """State writes in a verb module that do not go through workflow.moved:
    `x.state = …`, `state=…` when a row is made, and `.update(state=…)` in a
    function that checks no move."""
    import ast

    def is_moved(node):
        return isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "moved"

    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or function.name == "_refresh_state":
            continue  # a case past screening follows its parts (derived)
        checks = any(is_moved(n) for n in ast.walk(function))
        parameters = {a.arg for a in function.args.args + function.args.kwonlyargs}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if getattr(target, "attr", None) == "state" and not is_moved(node.value):
                        found.append((function.name, node.lineno))
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                for keyword in node.keywords:
                    if keyword.arg != "state":
                        continue
                    passed_in = (
                        isinstance(keyword.value, ast.Name) and keyword.value.id in parameters
                    )  # checked where the caller chose it
                    makes_a_row = name in ("create", "Assignment", "Part", "Case", "_new_case")
                    if makes_a_row and not (is_moved(keyword.value) or passed_in):
                        found.append((function.name, node.lineno))
                    if name == "update" and not checks:
                        found.append((function.name, node.lineno))
    return found


def test_no_verb_writes_a_state_the_table_does_not_name():
    import ast

    for path in sorted((ROOT / "hotline" / "cases" / "actions").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert _writes_without_the_table(tree) == [], path.name


def test_the_part_diagram_has_a_way_out_of_handling():
    """The diagram draws every move: a part in handling goes to review when
    its reply is approved; the case follows its parts."""
    from hotline.cases.workflow import mermaid

    drawn = mermaid()
    assert "handling --> reviewing: approve_reply" in drawn
    assert "reviewing --> approved: review" in drawn and "reviewing --> redo: review" in drawn
