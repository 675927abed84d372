"""Policies: the regulation's periods as versioned, dated data (R7, R8, R13)."""

import ast
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError

from hotline.calendar.workdays import SHANGHAI
from hotline.policy.models import NoPolicyInForce, Policy
from hotline.policy.terms import FUZHOU_2007, TERM_NAMES, PolicyTerms

pytestmark = pytest.mark.django_db
HOTLINE = Path(__file__).resolve().parents[2]


def fuzhou():
    return Policy.objects.get(effective_on=date(2007, 7, 4))


@pytest.mark.parametrize(
    ("term", "days", "rule"),
    [
        ("forward_days", 0, "R5/D2 same day"),
        ("dispatch_days", 1, "R7"),
        ("read_days", 2, "R8.1"),
        ("reply_days", 10, "R8.2"),
        ("unit_return_days", 2, "R8.3a"),
        ("district_return_days", 1, "R8.3b"),
        ("city_decision_days", 1, "R8.3b/D4"),
        ("review_days", 2, "R8.4a"),
        ("redo_days", 3, "R8.4a"),
        ("co_handler_lead_days", 3, "D6"),
        ("repeat_threshold", 3, "R8.5"),
    ],
)
def test_fuzhou_policy_carries_the_regulation_periods_R7_R8(term, days, rule):
    """The seeded policy has every period of RULES.md as a named field."""
    assert getattr(fuzhou().terms, term) == days, rule


def at(s):
    return datetime.fromisoformat(s).replace(tzinfo=SHANGHAI)


def add_policy(effective_on, **changes):
    terms = replace(FUZHOU_2007, **changes)
    return Policy.objects.create(
        name="新规", effective_on=effective_on, **{n: getattr(terms, n) for n in TERM_NAMES}
    )


def test_a_case_keeps_the_policy_in_force_when_received_R13():
    """R13: the policy is chosen by the day of receipt, Asia/Shanghai."""
    newer = add_policy(date(2027, 1, 1), reply_days=7)
    assert Policy.in_force(at("2026-12-31 23:59")) == fuzhou()
    assert Policy.in_force(at("2027-01-01 00:00")) == newer
    # 2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Fuzhou
    assert Policy.in_force(datetime(2026, 12, 31, 16, 30, tzinfo=UTC)) == newer
    assert Policy.in_force(at("2027-03-01 10:00")).terms.reply_days == 7


def test_no_policy_before_the_regulation_R13():
    with pytest.raises(NoPolicyInForce):
        Policy.in_force(at("2007-07-03 12:00"))


@time_machine.travel("2026-11-26 10:00 +0800", tick=False)
def test_a_policy_in_force_cannot_be_edited_R13():
    """Cases keep their policy, so its periods cannot change under them."""
    policy = fuzhou()
    policy.reply_days = 8
    with pytest.raises(ValidationError, match="沿用受理时的政策"):
        policy.full_clean()


@time_machine.travel("2026-11-26 10:00 +0800", tick=False)
def test_a_future_policy_can_still_be_edited_R13():
    policy = add_policy(date(2027, 1, 1))
    policy.reply_days = 8
    policy.full_clean()


@time_machine.travel("2026-11-26 10:00 +0800", tick=False)
def test_a_new_policy_cannot_take_effect_in_the_past_R13():
    policy = Policy(name="回溯", effective_on=date(2026, 11, 1), **{n: 1 for n in TERM_NAMES})
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert "effective_on" in error.value.message_dict


@time_machine.travel("2026-11-26 10:00 +0800", tick=False)
def test_co_handler_lead_time_must_fit_in_the_reply_period_D6():
    policy = Policy(
        name="错误",
        effective_on=date(2027, 1, 1),
        **{**{n: 3 for n in TERM_NAMES}, "reply_days": 3},
    )
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert "co_handler_lead_days" in error.value.message_dict
    with pytest.raises(ValueError):
        replace(FUZHOU_2007, reply_days=3)


def test_negative_periods_are_refused():
    with pytest.raises(ValueError):
        PolicyTerms(**{**{n: 1 for n in TERM_NAMES}, "read_days": -1, "reply_days": 5})


@time_machine.travel("2026-11-26 10:00 +0800", tick=False)
def test_administrator_adds_a_policy_in_the_admin_R13(client, person):
    """A new policy starts as a copy of the latest; the one in force is read-only."""
    client.force_login(person("admin"))
    form = client.get("/admin/policy/policy/add/").content.decode()
    assert 'name="reply_days" value="10"' in form
    data = {n: getattr(FUZHOU_2007, n) for n in TERM_NAMES}
    response = client.post(
        "/admin/policy/policy/add/",
        {**data, "name": "2027年新规", "effective_on": "2027-01-01", "reply_days": 8},
    )
    assert response.status_code == 302
    assert Policy.in_force(at("2027-01-02 09:00")).reply_days == 8
    change = client.get(f"/admin/policy/policy/{fuzhou().pk}/change/").content.decode()
    assert 'name="reply_days"' not in change  # shown, not editable


PERIOD_FUNCTIONS = {"deadline", "add_working_days"}


def test_no_period_is_a_literal_in_the_code_R7_R8():
    """Every call that counts working days takes its period from a policy:
    none passes a number written in the code."""
    offenders = []
    for path in HOTLINE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "workdays.py":
            continue  # the calendar core is the arithmetic itself
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            keywords = {k.arg: k.value for k in node.keywords}
            period = node.args[1] if len(node.args) >= 2 else keywords.get("n")
            if name in PERIOD_FUNCTIONS and isinstance(period, ast.Constant):
                offenders.append(f"{path.relative_to(HOTLINE)}:{node.lineno}")
    assert offenders == []
