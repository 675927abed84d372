"""Adding an action touches a short, known list of places
(docs/architecture.md, "Adding an action"); this fails when one is missing:
its row in the transition table, its label in words, its API endpoint, its
workbench form, its token scope and its line in docs/workflow.md."""

from pathlib import Path

import pytest

from hotline.api.api import api
from hotline.api.tokens import ACTIONS as TOKEN_ACTIONS
from hotline.cases import preconditions
from hotline.cases.labels import EVENT_LABELS
from hotline.cases.workflow import TRANSITIONS
from hotline.workbench import case_actions

ROOT = Path(__file__).resolve().parents[3]
ACTIONS = [t.action for t in TRANSITIONS]

# Where an action is taken instead of the workbench or the API, and why.
NOT_IN_WORKBENCH = {
    "register": "the intake page (workbench/views.intake)",
    "answer_directly": "the intake page, from an article beside the form (N3)",
    "submit_online": "the public portal and Open311",
    "rate": "the requester, on the portal",
    "lapse_take_back": "the worker (D4)",
}
# Taken through another action's endpoint and form, with its own plan.
THROUGH = {
    "pass_to_district": "dispatch",
    "save_reply_draft": "draft_reply",  # the reply form's second button
}
NOT_IN_API = {
    "submit_online": "Open311 and the portal",
    "rate": "the requester, on the portal",
    "lapse_take_back": "the worker (D4)",
}


def api_operations() -> set[str]:
    return {
        operation["operationId"]
        for methods in api.get_openapi_schema()["paths"].values()
        for method, operation in methods.items()
        if method == "post"
    }


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_has_its_label_endpoint_form_scope_and_diagram(action):
    assert action in EVENT_LABELS, "a label in hotline/cases/labels.py"
    taken_as = THROUGH.get(action, action)
    if action not in NOT_IN_API:
        assert taken_as in api_operations(), "an endpoint in hotline/api/endpoints_actions.py"
    if action not in NOT_IN_WORKBENCH:
        assert taken_as in case_actions.BY_NAME, "a form in hotline/workbench/case_actions.py"
    assert action in TOKEN_ACTIONS, "a token scope (hotline/api/tokens.ACTIONS)"
    assert f"`{action}`" in (ROOT / "docs" / "workflow.md").read_text(encoding="utf-8")


def test_every_precondition_the_table_names_is_defined():
    named = {name for t in TRANSITIONS for name in t.requires}
    assert named <= set(preconditions.CONDITIONS)
    assert set(preconditions.CONDITIONS) <= named, "a precondition nothing requires"


def test_the_lists_of_exceptions_name_real_actions():
    assert set(NOT_IN_WORKBENCH) | set(NOT_IN_API) | set(THROUGH) <= set(ACTIONS)
