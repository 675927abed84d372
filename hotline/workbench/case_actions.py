"""Which actions the acting user may take on a case now, each with its form,
and how a submitted form becomes a call to the workflow's verb.

What is offered follows the transition table: state, role, unit and the
row's preconditions (hotline.cases.preconditions), which the verbs refuse
with, so what is offered is what the verb accepts."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.cases import actions as verbs
from hotline.cases import preconditions
from hotline.cases.actions.handling import DRAFT_FIELDS
from hotline.cases.models import Assignment, Attachment, Case, Escalation, Part, Reply
from hotline.cases.repeats import timely_reply_count
from hotline.cases.replies import result_text
from hotline.cases.workflow import BY_ACTION, InvalidTransition, Where, check
from hotline.organisation.models import Unit

from . import forms as f


@dataclass(frozen=True)
class Spec:
    action: str  # the transition table's action
    label: Any
    target: str  # "case", "part", "assignment" or "escalation"
    form: type
    run: Callable  # (actor, target, data) -> result
    style: str = "primary"
    # An action that cannot be undone and tells the requester: (target,
    # data) -> the exact message, shown for confirmation before it runs.
    confirm: Callable | None = None
    # What the form starts with, from its target (a saved draft).
    initial: Callable | None = None


def _v(data):
    return data["expected_version"]


def _next_units(data):
    """N6, R8.6: the units a decision on an objection names, if any."""
    if data.get("next_co"):
        return verbs.PartPlan(lead=data.get("next_unit"), co=tuple(data["next_co"]))
    if data.get("next_unit"):
        return verbs.PartPlan(sole=data["next_unit"])
    return None


def _reply(data):
    return {
        **{k: data[k] for k in DRAFT_FIELDS},
        "photos": data.get("photos") or [],
        "remove_photos": data.get("remove_photos") or [],
        "expected_version": _v(data),
    }


SPECS = [
    Spec(
        "forward",
        _("Forward to the city bureau"),
        "case",
        f.EmptyForm,
        lambda u, c, d: verbs.forward_case(actor=u, case=c, expected_version=_v(d)),
    ),
    Spec(
        "accept",
        _("Accept"),
        "case",
        f.AcceptForm,
        lambda u, c, d: verbs.accept_case(
            actor=u, case=c, expected_version=_v(d), city_final_review=d["city_final_review"]
        ),
    ),
    Spec(
        "refuse",
        _("Refuse"),
        "case",
        f.RefuseForm,
        lambda u, c, d: verbs.refuse_case(
            actor=u, case=c, reason=d["reason"], note=d["note"], expected_version=_v(d)
        ),
        "danger",
        # Issue 15: a refusal went out in one click, for the wrong reason.
        confirm=lambda c, d: verbs.refusal_message(c, d["reason"]),
    ),
    Spec(
        "decline_repeat",
        _("Decline as a repeat"),
        "case",
        f.DeclineForm,
        lambda u, c, d: verbs.decline_repeat(
            actor=u, case=c, note=d["note"], expected_version=_v(d)
        ),
        "danger",
    ),
    Spec(
        "retype",
        _("Change the request type"),
        "case",
        f.RetypeForm,
        lambda u, c, d: verbs.retype_case(
            actor=u, case=c, request_type=d["request_type"], expected_version=_v(d)
        ),
        "secondary",
        initial=lambda c: {"request_type": c.request_type_id},
    ),
    Spec(
        "classify",
        _("Classify"),
        "case",
        f.ClassifyForm,
        lambda u, c, d: verbs.classify_case(
            actor=u, case=c, mode=d["mode"], reason=d["reason"], expected_version=_v(d)
        ),
    ),
    Spec(
        "merge",
        _("Merge into another case"),
        "case",
        f.MergeForm,
        lambda u, c, d: verbs.merge_cases(
            actor=u,
            lead=Case.objects.filter(number=d["lead"].strip().upper()).first(),
            cases=[c],
            expected_versions={c.pk: _v(d)},
        ),
        "secondary",
    ),
    Spec(
        "unmerge",
        _("Undo the merge"),
        "case",
        f.EmptyForm,
        lambda u, c, d: verbs.unmerge_case(actor=u, case=c, expected_version=_v(d)),
        "secondary",
    ),
    Spec("dispatch", _("Dispatch"), "part", f.EmptyForm, None),  # see views.dispatch
    Spec(
        "request_take_back",
        _("Ask the city bureau to take it back"),
        "part",
        f.ReasonForm,
        lambda u, p, d: verbs.request_take_back(
            actor=u,
            part=p,
            reason=d["reason"],
            suggested_unit=d["suggested_unit"],
            expected_version=_v(d),
        ),
        "secondary",
    ),
    Spec(
        "decide_take_back",
        _("Take the case back"),
        "part",
        f.DecideForm,
        lambda u, p, d: verbs.decide_take_back(
            actor=u, part=p, accept=True, note=d["note"], expected_version=_v(d)
        ),
    ),
    Spec(
        "read",
        _("Read and submit to the leader"),
        "assignment",
        f.EmptyForm,
        lambda u, a, d: verbs.read_assignment(actor=u, assignment=a, expected_version=_v(d)),
    ),
    Spec(
        "instruct",
        _("Give the instruction"),
        "assignment",
        f.InstructForm,
        lambda u, a, d: verbs.instruct_assignment(
            actor=u, assignment=a, instruction=d["instruction"], expected_version=_v(d)
        ),
    ),
    Spec(
        "contribute",
        _("Send to the lead unit"),
        "assignment",
        f.ContributeForm,
        lambda u, a, d: verbs.contribute(
            actor=u, assignment=a, text=d["text"], expected_version=_v(d)
        ),
    ),
    Spec(
        "draft_reply",
        _("Submit the reply to the leader"),
        "assignment",
        f.DraftReplyForm,
        lambda u, a, d: verbs.draft_reply(actor=u, assignment=a, **_reply(d)),
        initial=lambda a: {k: a.reply_draft[k] for k in DRAFT_FIELDS if k in a.reply_draft},
    ),
    Spec(
        "approve_reply",
        _("Approve and send to the bureau"),
        "assignment",
        f.EmptyForm,
        lambda u, a, d: verbs.approve_reply(actor=u, assignment=a, expected_version=_v(d)),
    ),
    Spec(
        "send_back_draft",
        _("Send the draft back"),
        "assignment",
        f.NoteForm,
        lambda u, a, d: verbs.send_back_draft(
            actor=u, assignment=a, note=d["note"], expected_version=_v(d)
        ),
        "secondary",
    ),
    Spec(
        "return",
        _("Return: outside our duties"),
        "assignment",
        f.ReasonForm,
        lambda u, a, d: verbs.return_assignment(
            actor=u,
            assignment=a,
            reason=d["reason"],
            suggested_unit=d["suggested_unit"],
            expected_version=_v(d),
        ),
        "secondary",
    ),
    Spec(
        "decide_return",
        _("Withdraw to dispatch again"),
        "assignment",
        f.ObjectionDecisionForm,
        lambda u, a, d: verbs.decide_return(
            actor=u,
            assignment=a,
            withdraw=True,
            note=d["note"],
            plan=_next_units(d),
            expected_version=_v(d),
        ),
    ),
    Spec(
        "review",
        _("Approve the reply"),
        "part",
        f.ReviewForm,
        lambda u, p, d: verbs.review_reply(
            actor=u,
            part=p,
            approve=True,
            agree_nonpublication=d["agree_nonpublication"],
            expected_version=_v(d),
        ),
    ),
    Spec(
        "escalate",
        _("Escalate to the general office"),
        "case",
        f.EscalateForm,
        lambda u, c, d: verbs.escalate_case(
            actor=u,
            case=c,
            summary=d["summary"],
            main_recipient=d["main_recipient"],
            copy_recipients=list(d["copy_recipients"]),
            expected_version=_v(d),
        ),
        "secondary",
    ),
    Spec(
        "record_coordination",
        _("Record the outcome"),
        "escalation",
        f.OutcomeForm,
        lambda u, e, d: verbs.record_coordination(
            actor=u, escalation=e, outcome=d["outcome"], expected_version=_v(d)
        ),
    ),
    Spec(
        "close",
        _("Send the result and close"),
        "case",
        f.CloseForm,
        lambda u, c, d: verbs.close_case(
            actor=u, case=c, result=d["result"], expected_version=_v(d)
        ),
    ),
    Spec(
        "reopen",
        _("Reopen for a redo"),
        "case",
        f.ReopenForm,
        lambda u, c, d: verbs.reopen_for_redo(
            actor=u, case=c, reasons=d["reasons"], expected_version=_v(d)
        ),
        "secondary",
    ),
]

# Second buttons on the same form: the other outcome of a decision, or
# (the reply) keeping it as a draft instead of submitting it.
ALTERNATES = {
    "draft_reply": (
        _("Save the draft"),
        lambda u, a, d: verbs.save_reply_draft(actor=u, assignment=a, **_reply(d)),
    ),
    "decide_take_back": (
        _("Leave it with the district"),
        lambda u, p, d: verbs.decide_take_back(
            actor=u, part=p, accept=False, note=d["note"], expected_version=_v(d)
        ),
    ),
    "decide_return": (
        _("Reject the return"),
        lambda u, a, d: verbs.decide_return(
            actor=u,
            assignment=a,
            withdraw=False,
            note=d["note"],
            plan=_next_units(d),
            expected_version=_v(d),
        ),
    ),
    "review": (
        _("Send back for a redo"),
        lambda u, p, d: verbs.review_reply(
            actor=u, part=p, approve=False, reasons=d["reasons"], expected_version=_v(d)
        ),
    ),
}
BY_NAME = {s.action: s for s in SPECS}


@dataclass
class Offer:
    spec: Spec
    target: Any
    form: Any
    alternate: Any = None
    photos: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.spec.action}-{self.spec.target}-{self.target.pk}"


def _reviewing_bureau(part: Part):
    reply = (
        Reply.objects.filter(assignment__part=part, reviewed_at__isnull=True)
        .select_related("reviewing_bureau")
        .order_by("-id")
        .first()
    )
    return reply.reviewing_bureau if reply else None


def _unit_for(where: Where, target) -> Unit | None:
    if where == Where.CITY_BUREAU:
        return verbs.city_bureau()
    if where == Where.HOLDER_BUREAU:
        return target.dispatched_by if isinstance(target, Assignment) else target.holder_bureau
    if where == Where.REVIEWING_BUREAU:
        return _reviewing_bureau(target)
    if where == Where.ASSIGNED_UNIT:
        return target.unit
    if where == Where.GENERAL_OFFICE:
        return target.main_recipient
    if where == Where.SERVICE_CENTER:
        return target.involvements.filter(unit__kind=Unit.Kind.SERVICE_CENTER).first().unit
    return None


def _state_of(target):
    return target.state if not isinstance(target, Escalation) else target.case.state


def offers(case: Case, unit: Unit, role: str, initial: dict | None = None) -> list[Offer]:
    """The actions `role` in `unit` may take on `case` now."""
    targets = {
        "case": [case],
        "part": list(case.parts.select_related("holder_bureau")),
        "assignment": list(case.assignments.select_related("unit", "dispatched_by", "part")),
        "escalation": list(
            case.escalations.filter(outcome_at__isnull=True).select_related("main_recipient")
        ),
    }
    found = []
    now = timezone.now()
    for spec in SPECS:
        row = BY_ACTION[spec.action]
        if row.role != role:
            continue
        for target in targets[spec.target]:
            try:
                check(spec.action, _state_of(target), getattr(target, "role", None))
            except InvalidTransition:
                continue
            if _unit_for(row.where, target) != unit:
                continue
            if preconditions.unmet(spec.action, case, target, now) is not None:
                continue
            data = {
                "expected_version": case.version,
                **(spec.initial(target) if spec.initial else {}),
                **(initial or {}).get(spec.action, {}),
            }
            form = spec.form(initial=data, prefix=f"{spec.action}-{target.pk}")
            alternate = ALTERNATES.get(spec.action, (None,))[0]
            photos = draft_photos(target) if spec.action == "draft_reply" else []
            found.append(Offer(spec, target, form, alternate, photos))
    return found


def draft_photos(target) -> list:
    """The photos kept with an assignment's saved reply draft."""
    kept = getattr(target, "reply_draft", None) or {}
    if not kept.get("photos"):
        return []
    return list(Attachment.objects.filter(pk__in=kept["photos"], assignment=target, reply=None))


def close_initial(case: Case) -> dict:
    """The close form filled with the whole of each part's approved reply
    (R8.2), as the requester will read it."""
    approved = (
        Reply.objects.filter(assignment__case=case, review_decision="approved")
        .order_by("assignment__part__number", "-id")
        .select_related("assignment")
    )
    return {"result": result_text(approved)}


def screening_facts(case: Case) -> dict:
    return {"timely_replies": timely_reply_count(case)}
