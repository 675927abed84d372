"""The workbench offers exactly what the verbs accept (issue 13): over every
case of the demo, at every stage it reached, for every member of staff in
every unit and role the transition table names for an action, the action is
offered on the case page if and only if its verb, called then, takes it.

Refused input (an empty reason, public handling the requester declined) is
the verb taking the action and asking for other input; what must agree is
whether the action itself may happen now."""

import copy

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from hotline.cases.demo import load_demo_cases
from hotline.cases.errors import CaseChanged, NotAllowed, WrongState
from hotline.cases.models import Case
from hotline.cases.request_types import request_type
from hotline.cases.workflow import BY_ACTION
from hotline.organisation.models import RoleGrant, Unit
from hotline.workbench import case_actions
from hotline.workbench import forms as f

pytestmark = pytest.mark.django_db

TEXT = "测试意见"


def sample(form: type) -> dict:
    """Valid input for each action form, as the form would clean it."""
    general_office = Unit.objects.filter(kind=Unit.Kind.GENERAL_OFFICE).first()
    return {
        f.EmptyForm: {},
        f.RefuseForm: {"reason": 1, "note": ""},
        f.AcceptForm: {"city_final_review": False},
        f.DeclineForm: {"note": ""},
        f.ClassifyForm: {"mode": "public", "reason": None},
        # N1: another type than the one every case here is registered with
        f.RetypeForm: {"request_type": request_type("report")},
        # N4: a lead no case has; the verb checks the case first
        f.MergeForm: {"lead": "FZ0000000000000"},
        f.ReasonForm: {"reason": TEXT, "suggested_unit": None},
        f.DecideForm: {"note": ""},
        f.ObjectionDecisionForm: {"note": "", "next_unit": None, "next_co": []},  # N6
        f.InstructForm: {"instruction": TEXT},
        f.ContributeForm: {"text": TEXT},
        f.DraftReplyForm: {
            "content": TEXT,
            "remaining_problems": "",
            "measures": "",
            "recommend_nonpublication": False,
            "nonpublication_reason": "",
        },
        f.NoteForm: {"note": TEXT},
        f.ReviewForm: {"agree_nonpublication": False, "reasons": TEXT},
        f.EscalateForm: {"summary": TEXT, "main_recipient": general_office, "copy_recipients": []},
        f.OutcomeForm: {"outcome": TEXT},
        f.CloseForm: {"result": TEXT},
        f.ReopenForm: {"reasons": TEXT},
    }[form]


def acting_as(grant: RoleGrant):
    """The member of staff with this one grant only, as the workbench has
    them act in one unit and role at a time."""
    user = copy.copy(grant.user)
    user.__dict__["_grants"] = {(grant.unit_id, grant.role): grant.unit}
    return user


def targets(case: Case, kind: str):
    return {
        "case": [case],
        "part": list(case.parts.all()),
        "assignment": list(case.assignments.all()),
        "escalation": list(case.escalations.filter(outcome_at__isnull=True)),
    }[kind]


def accepted(spec, user, target, data) -> bool:
    with transaction.atomic():
        point = transaction.savepoint()
        try:
            spec.run(user, target, data)
            return True
        except (WrongState, NotAllowed, CaseChanged, PermissionDenied):
            return False
        except Exception:
            return True  # the action may happen; it asked for other input
        finally:
            transaction.savepoint_rollback(point)


def test_every_action_offered_is_accepted_and_none_other_is(clock):
    clock("2026-12-01 10:00")
    load_demo_cases()
    grants = list(RoleGrant.objects.select_related("user", "unit"))
    disagreements = []
    checked = 0
    for case in Case.objects.order_by("pk"):
        for grant in grants:
            offered = {
                (o.spec.action, o.target.pk)
                for o in case_actions.offers(case, grant.unit, grant.role)
            }
            user = acting_as(grant)
            for spec in case_actions.SPECS:
                if spec.run is None or BY_ACTION[spec.action].role != grant.role:
                    continue
                for target in targets(case, spec.target):
                    fresh = Case.objects.get(pk=case.pk)
                    data = {"expected_version": fresh.version, **sample(spec.form)}
                    takes = accepted(spec, user, type(target).objects.get(pk=target.pk), data)
                    checked += 1
                    if takes != ((spec.action, target.pk) in offered):
                        disagreements.append(
                            (
                                case.number,
                                case.state,
                                spec.action,
                                target.pk,
                                grant.unit.name,
                                grant.role,
                                "offered" if not takes else "not offered",
                            )
                        )
    assert checked > 500
    assert disagreements == []
