"""What an action needs beyond its states, role and unit: the conditions the
transition table names in each row's `requires`, each answering with the
refusal the user reads. The verbs refuse through `require`, and the
workbench offers an action only when `unmet` finds nothing, so nothing is
offered that the verb refuses (issue 13)."""

from collections.abc import Callable
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from hotline.organisation.models import Unit

from . import workflow
from .errors import WrongState
from .models import Assignment, Case, HandlingMode, Part, ReturnRequest
from .repeats import timely_reply_count
from .workflow import CaseState

# (case, target, now) -> the refusal, or None when the condition holds. The
# target is the row the action moves: the case, a part or an assignment.
Check = Callable[[Case, object, datetime], str | None]


def parts_as_dispatch_sees_them(case_id: int):
    """A case's parts with what dispatching looks at: the bureau holding
    each, and whether it went to a unit (`dispatched`)."""
    return (
        Part.objects.filter(case_id=case_id)
        .select_related("holder_bureau")
        .annotate(dispatched=Exists(Assignment.objects.filter(part_id=OuterRef("pk"))))
    )


def _not_dispatched(case, target, now):
    # Dispatched: a part went to a unit, or to a district bureau. A verb
    # that locked the case with its parts leaves them in `parts_seen`.
    parts = getattr(case, "parts_seen", None)
    if parts is None:
        parts = parts_as_dispatch_sees_them(case.pk)
    if any(
        p.dispatched
        or p.holder_bureau.kind != Unit.Kind.PETITION_BUREAU
        or p.holder_bureau.level != Unit.Level.CITY
        for p in parts
    ):
        return _("The case has been dispatched; its handling mode can no longer change.")
    return None


def _sent_on(case) -> bool:
    # A verb that locked the case read this beside it (actions/merging.py).
    sent = getattr(case, "sent_elsewhere", None)
    return _not_dispatched(case, case, None) is not None if sent is None else sent


def _undispatched(case, target, now):
    # N4: merging is a bureau's decision before dispatch; a case already sent
    # to a unit or a district bureau has its own handling.
    if _sent_on(case):
        return _("The case has been dispatched; it can no longer be merged.")
    return None


def _not_followed(case, target, now):
    # N4: a lead stays a lead; its merged cases would be left following a
    # case that follows another.
    following = getattr(case, "following", None)
    if following is None:
        following = Case.objects.filter(merged_into_id=case.pk).exists()
    if following:
        return _("Other cases are merged into this one: undo those merges first.")
    return None


def _lead_undispatched(case, target, now):
    # N4: undo before the lead is dispatched; after it, the merged cases
    # are part of the lead's handling.
    lead = case.merged_into
    if (
        lead is None
        or lead.state not in (CaseState.SCREENING, CaseState.DISPATCHING)
        or _sent_on(lead)
    ):
        return _("The lead case has been dispatched; the merge can no longer be undone.")
    return None


def _classified(case, part, now):
    # Issue 15: dispatch was offered before classify, and failed once its
    # form was filled.
    if case.handling_mode == HandlingMode.UNDECIDED:
        return _("Classify the case as public or internal handling first.")
    return None


def _repeat_answered_enough(case, target, now):
    count = timely_reply_count(case)
    if count <= case.policy.repeat_threshold:
        return _(
            "This matter has had %(count)s timely replies; a repeat may be declined only "
            "after more than %(threshold)s."
        ) % {"count": count, "threshold": case.policy.repeat_threshold}
    return None


def _held_by_district(case, part, now):
    if part.holder_bureau.level != Unit.Level.DISTRICT:
        return _("Only a district bureau asks the city bureau to take a case back.")
    return None


def _first_take_back(case, part, now):
    if part.return_requests.filter(
        kind=ReturnRequest.Kind.TAKE_BACK,
        from_unit=part.holder_bureau,
        requested_at__gte=part.received_at,
    ).exists():
        return _("This case has already been the subject of a request to take it back.")
    return None


def _within_take_back_period(case, part, now):
    if now >= case.working_calendar().deadline(part.received_at, case.policy.district_return_days):
        return _("The time to ask the city bureau to take this case back has passed.")
    return None


def _return_not_rejected(case, assignment, now):
    if assignment.return_rejected:
        return _("The bureau rejected this unit's return; it cannot be returned again.")
    # N6: the bureau's decision on an objection is final for that unit, also
    # when it withdrew the case and later sent it back to the same unit.
    if ReturnRequest.objects.filter(
        kind=ReturnRequest.Kind.UNIT,
        part_id=assignment.part_id,
        from_unit_id=assignment.unit_id,
        decision__in=(ReturnRequest.Decision.ACCEPTED, ReturnRequest.Decision.REJECTED),
    ).exists():
        return _("The bureau has decided this unit's objection; its decision is final.")
    return None


def _within_return_period(case, assignment, now):
    deadline = case.working_calendar().deadline(
        assignment.dispatched_at, case.policy.unit_return_days
    )
    if now >= deadline:
        return _("The time to return this case has passed.")
    return None


def _rated_dissatisfied(case, target, now):
    if case.satisfaction != "dissatisfied":
        return _("Only a case the requester was dissatisfied with can be reopened.")
    return None


def _handled_by_units(case, target, now):
    # N3: a direct answer went to no unit, so there is no reply to redo; a
    # dissatisfied rating of it is the article's unit's to act on.
    if case.answered_with_id is not None:
        return _(
            "This case was answered directly from the knowledge base; there is no handling to redo."
        )
    # N4: a merged case was handled as its lead; it has no reply of its own.
    if case.merged_into_id is not None:
        return _(
            "This case was merged into %(lead)s and handled with it; there is no handling "
            "of its own to redo."
        ) % {"lead": case.merged_into.number}
    return None


CONDITIONS: dict[str, Check] = {
    "not_dispatched": _not_dispatched,
    "undispatched": _undispatched,
    "not_followed": _not_followed,
    "lead_undispatched": _lead_undispatched,
    "classified": _classified,
    "repeat_answered_enough": _repeat_answered_enough,
    "held_by_district": _held_by_district,
    "first_take_back": _first_take_back,
    "within_take_back_period": _within_take_back_period,
    "return_not_rejected": _return_not_rejected,
    "within_return_period": _within_return_period,
    "rated_dissatisfied": _rated_dissatisfied,
    "handled_by_units": _handled_by_units,
}


def unmet(action: str, case: Case, target, now: datetime) -> str | None:
    """The refusal of the first condition of `action` that does not hold."""
    for name in workflow.BY_ACTION[action].requires:
        refusal = CONDITIONS[name](case, target, now)
        if refusal is not None:
            return refusal
    return None


def require(action: str, case: Case, target, now: datetime) -> None:
    refusal = unmet(action, case, target, now)
    if refusal is not None:
        raise WrongState(refusal)
