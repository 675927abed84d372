"""Screening and dispatch (R3, R4, R6, R7, R8.5, R8.6, R8.7): the city bureau
refuses, declines, accepts and classifies; a bureau dispatches."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hotline.calendar.workdays import SHANGHAI, end_text
from hotline.catalogue.models import CATALOGUE
from hotline.catalogue.suggestions import suggest_from_catalogue
from hotline.notifications.models import Message
from hotline.notifications.outbox import (
    EMERGENCY_ADVICE,
    EMERGENCY_REFUSAL,
    render,
    tell_requester,
    tell_unit,
)
from hotline.organisation.models import Unit, User
from hotline.reference.revisions import NOT_READ

from .. import preconditions, workflow
from ..changes import touch
from ..errors import InvalidInput, WrongState
from ..models import (
    Assignment,
    Case,
    Clock,
    HandlingMode,
    InternalReason,
    Part,
    RefusalReason,
    RequestType,
)
from ..repeats import timely_reply_count
from ..request_types import type_of
from ..workflow import AssignmentState as A
from ..workflow import CaseState as C
from ..workflow import PartState as P
from .common import (
    AROLE,
    INTERNAL_UNIT_KINDS,
    _check,
    _clock,
    _event,
    _involve,
    _lock,
    _lock_rows_with_case,
    _meet,
    _refresh_state,
    _require,
    _require_city_bureau,
    _save,
)

# Screening (R3, R4, R6, R8.5) ----------------------------------------------


def _screening(action: str, actor: User, case_id: int, expected_version: int | None):
    bureau = _require_city_bureau(actor, action)
    case = _lock(case_id, expected_version)
    _check(action, case.state)
    return case, bureau


def refusal_reason_text(reason: int) -> str:
    """R3: the reason as the requester reads it, in Chinese whatever the
    staff member's language, without a closing full stop: the message
    template has it (issue 15: the text ended "。。")."""
    if reason == RefusalReason.EMERGENCY:
        text = EMERGENCY_REFUSAL + EMERGENCY_ADVICE
    else:
        with translation.override("zh-hans"):
            text = str(RefusalReason(reason).label)
    return text.rstrip("。.")


def refusal_message(case: Case, reason: int) -> str:
    """The exact message the requester gets if `case` is refused for
    `reason`: the dispatcher confirms it before refusing."""
    return render(
        Message.Kind.REFUSAL, case, number=case.number, reason=refusal_reason_text(reason)
    )


@transaction.atomic
def refuse_case(
    *, actor: User, case: Case, reason: int, note: str = "", expected_version: int | None = None
) -> Case:
    """R3: refuse with one of the nine reasons; the requester is told
    through the original channel, and for an emergency (R3(8)) told to call
    an emergency line at once."""
    case, bureau = _screening("refuse", actor, case.pk, expected_version)
    now = timezone.now()
    preconditions.require("refuse", case, case, now)
    if reason not in RefusalReason.values:
        raise InvalidInput(_("Choose one of the nine reasons for refusing."), field="reason")
    case.state = workflow.moved("refuse", "case", case.state, C.REFUSED)
    case.refusal_reason = reason
    _save(case, "state", "refusal_reason")
    _meet(now, case=case, kind=Clock.Kind.DISPATCH)
    _event(case, "refuse", actor, bureau, now, reason=reason, note=note)
    tell_requester(case, Message.Kind.REFUSAL, reason=refusal_reason_text(reason))
    return case


@transaction.atomic
def accept_case(
    *,
    actor: User,
    case: Case,
    city_final_review: bool = False,
    expected_version: int | None = None,
) -> Case:
    """R3, R4: accept for dispatch. `city_final_review` marks a major or
    sensitive case, or one the city bureau reserves (R8.4b)."""
    case, bureau = _screening("accept", actor, case.pk, expected_version)
    now = timezone.now()
    Part.objects.create(
        case=case,
        number=1,
        holder_bureau=bureau,
        state=workflow.moved("accept", "part", None, P.AWAITING_DISPATCH),
        # When the bureau received the case, read by the insert itself.
        received_at=Subquery(
            case.clocks.filter(kind=Clock.Kind.DISPATCH, part=None).values("started_at")[:1]
        ),
    )
    case.state = workflow.moved("accept", "case", case.state, C.DISPATCHING)
    case.city_final_review = city_final_review
    _save(case, "state", "city_final_review")
    _event(case, "accept", actor, bureau, now, city_final_review=city_final_review)
    return case


@transaction.atomic
def classify_case(
    *,
    actor: User,
    case: Case,
    mode: str,
    reason: int | None = None,
    expected_version: int | None = None,
) -> Case:
    """R4, R6: public or internal handling, before the first dispatch."""
    bureau = _require_city_bureau(actor, "classify")
    # N4: whether a case merged into this one is bound to the other
    # handling, read with the parts.
    other = HandlingMode.INTERNAL if mode == HandlingMode.PUBLIC else HandlingMode.PUBLIC
    bound_otherwise = Q(handling_mode=other)
    if other == HandlingMode.INTERNAL:
        bound_otherwise |= Q(handling_mode=HandlingMode.UNDECIDED, disclosure_allowed=False)
    case, parts = _lock_rows_with_case(
        preconditions.parts_as_dispatch_sees_them(case.pk).annotate(
            followers_clash=Exists(
                Case.objects.filter(bound_otherwise, merged_into_id=OuterRef("case_id"))
            )
        ),
        case.pk,
        expected_version,
        with_case=(),
    )
    case.parts_seen = parts
    _check("classify", case.state)
    if parts and parts[0].followers_clash:
        raise InvalidInput(
            _(
                "A case merged into this one is bound to the other handling mode: "
                "undo that merge first (internal and public handling never mix)."
            ),
            field="mode",
        )
    preconditions.require("classify", case, case, timezone.now())
    if mode == HandlingMode.PUBLIC:
        if not case.disclosure_allowed:
            raise InvalidInput(
                _(
                    "The requester chose not to have this case handled publicly: "
                    "it must be handled internally."
                ),
                field="mode",
            )
        reason = None
    elif mode == HandlingMode.INTERNAL:
        if reason not in InternalReason.values:
            raise InvalidInput(
                _("Choose one of the four reasons for internal handling."), field="reason"
            )
    else:
        raise InvalidInput(_("Choose public or internal handling."), field="mode")
    now = timezone.now()
    case.handling_mode = mode
    case.internal_reason = reason
    _save(case, "handling_mode", "internal_reason")
    _event(case, "classify", actor, bureau, now, mode=mode, reason=reason)
    return case


@transaction.atomic
def retype_case(
    *,
    actor: User,
    case: Case,
    request_type: RequestType | None,
    expected_version: int | None = None,
) -> Case:
    """N1: the city bureau corrects what the request is (a complaint taken
    down as a consultation, a report as help) while the case is open. The
    timeline keeps both names; the figures of the day it came in count it
    under its new type."""
    case, bureau = _screening("retype", actor, case.pk, expected_version)
    if request_type is None or not request_type.is_active:
        raise InvalidInput(_("Choose one of the request types in use."), field="request_type")
    was = type_of(case)
    if request_type.pk == was.pk:
        raise InvalidInput(
            _("The case is already a %(type)s.") % {"type": was.name}, field="request_type"
        )
    now = timezone.now()
    case.request_type = request_type
    _save(case, "request_type")
    _event(case, "retype", actor, bureau, now, **{"from": was.name, "to": request_type.name})
    touch(case.received_at)  # intake by type of a day already counted
    return case


@transaction.atomic
def decline_repeat(
    *, actor: User, case: Case, note: str = "", expected_version: int | None = None
) -> Case:
    """R8.5, D7: decline a repeat once the same matter has had more timely
    replies than the policy's threshold; the count is recorded."""
    case, bureau = _screening("decline_repeat", actor, case.pk, expected_version)
    now = timezone.now()
    preconditions.require("decline_repeat", case, case, now)
    count = timely_reply_count(case)
    case.state = workflow.moved("decline_repeat", "case", case.state, C.DECLINED)
    case.declined_timely_replies = count
    _save(case, "state", "declined_timely_replies")
    _meet(now, case=case, kind=Clock.Kind.DISPATCH)
    _event(case, "decline_repeat", actor, bureau, now, timely_replies=count, note=note)
    tell_requester(case, Message.Kind.DECLINED, count=count)
    return case


# Dispatch (R4, R6, R7, R8.6, R8.7) ------------------------------------------


@dataclass(frozen=True)
class PartPlan:
    """Where one part goes: a sole unit, a lead with co-handlers (R8.6), or
    (from the city bureau) a district bureau that dispatches it on (R4)."""

    description: str = ""
    sole: Unit | None = None
    lead: Unit | None = None
    co: tuple[Unit, ...] = field(default_factory=tuple)
    district_bureau: Unit | None = None
    # The dispatch instruction (批转意见) the receiving units read.
    instruction: str = ""
    # N5: why the part goes elsewhere than the dispatch catalogue says.
    against_catalogue: str = ""


def catalogue_check(case: Case, bureau: Unit, plan: PartPlan) -> dict:
    """N5: what a dispatch records of the catalogue: the suggestion the plan
    follows, or the reason it goes elsewhere and what was suggested. With
    no suggestion for the case, nothing; against one, a reason is required.
    Read from the copy the process keeps, at the revision read beside the
    case: no statement of its own. Internal handling by a discipline or
    efficiency body (R6) is outside the catalogue."""
    if (
        case.handling_mode == HandlingMode.INTERNAL
        and Unit.Kind.DEPARTMENT not in INTERNAL_UNIT_KINDS[case.internal_reason]
    ):
        # R6 names the body that handles it (discipline, efficiency): the
        # catalogue of matters does not apply.
        return {}
    token = getattr(case, "reference_revisions", {}).get(CATALOGUE.name, NOT_READ)
    with translation.override("zh-hans"):
        suggestions = suggest_from_catalogue(case, bureau, token=token)
    if not suggestions:
        return {}
    for suggestion in suggestions:
        if suggestion.follows(plan):
            return {"catalogue": suggestion.reason}
    reason = " ".join(plan.against_catalogue.split())
    if not reason:
        raise InvalidInput(
            _("The dispatch catalogue says %(suggested)s. To send it elsewhere, give the reason.")
            % {"suggested": "；".join(s.reason for s in suggestions)},
            field="against_catalogue",
        )
    return {"against_catalogue": reason, "catalogue_suggested": [s.reason for s in suggestions]}


def _check_plan(case: Case, bureau: Unit, plan: PartPlan) -> None:
    targets = [u for u in (plan.sole, plan.lead, plan.district_bureau) if u is not None]
    if len(targets) != 1:
        raise InvalidInput(
            _(
                "Send each part to one unit, to a lead unit with co-handlers, "
                "or to a district bureau."
            ),
            field="parts",
        )
    if plan.lead is not None and not plan.co:
        raise InvalidInput(_("A lead unit needs at least one co-handling unit."), field="co")
    if plan.lead is None and plan.co:
        raise InvalidInput(_("Co-handling units need a lead unit."), field="co")
    units = [*targets, *plan.co]
    if len({u.pk for u in units}) != len(units):
        raise InvalidInput(_("A unit appears twice in the same part."), field="co")
    for unit in units:
        if unit.parent_id != bureau.pk or not unit.is_active:
            raise InvalidInput(
                _("%(unit)s is not a unit that %(bureau)s dispatches to.")
                % {"unit": unit.name, "bureau": bureau.name},
                field="parts",
            )
    if plan.district_bureau is not None:
        if plan.district_bureau.kind != Unit.Kind.PETITION_BUREAU:
            raise InvalidInput(_("Choose a district petition bureau."), field="parts")
        return
    allowed = (
        INTERNAL_UNIT_KINDS[case.internal_reason]
        if case.handling_mode == HandlingMode.INTERNAL
        else (Unit.Kind.DEPARTMENT,)
    )
    for unit in units:
        if unit.kind not in allowed:
            raise InvalidInput(
                _("%(unit)s cannot handle this case: it needs a %(kinds)s.")
                % {
                    "unit": unit.name,
                    "kinds": "、".join(str(Unit.Kind(k).label) for k in allowed),
                },
                field="parts",
            )


def unit_periods(policy) -> dict[str, int]:
    """The working days each clock a dispatched unit gets runs for.

    D3: the reply clock starts on receipt, reading included (R8.2); D6: a
    co-handler reads on the lead's clock and contributes
    co_handler_lead_days before the lead's reply is due, which is the same
    as reply_days − co_handler_lead_days from receipt."""
    return {
        Clock.Kind.READ: policy.read_days,
        Clock.Kind.REPLY: policy.reply_days,
        Clock.Kind.CONTRIBUTION: policy.reply_days - policy.co_handler_lead_days,
    }


@dataclass(frozen=True)
class Deadline:
    """A deadline a dispatch would set, shown before sending (issue 15)."""

    label: str
    days: int
    due: datetime
    provisional: bool


def dispatch_deadlines(case: Case, at: datetime) -> dict[str, list[Deadline]]:
    """What the receiving side gets if the case is dispatched at `at`, from
    the case's policy and the working calendar (R7, R8.1–R8.3, D6): a
    handling unit (sole or lead), a co-handling unit, a district bureau."""
    calendar = case.working_calendar()
    policy = case.policy
    periods = unit_periods(policy)

    def deadline(label, days):
        due = calendar.deadline(at, days)
        provisional = calendar.is_provisional_between(
            timezone.localtime(at, SHANGHAI).date(), (due - timedelta(days=1)).date()
        )
        return Deadline(str(label), days, due, provisional)

    read = deadline(_("Read and submit to the leader"), periods[Clock.Kind.READ])
    objection = deadline(_("Return if outside its duties"), policy.unit_return_days)
    return {
        "unit": [read, objection, deadline(_("Reply"), periods[Clock.Kind.REPLY])],
        "co": [
            read,
            objection,
            deadline(_("Contribution to the lead unit"), periods[Clock.Kind.CONTRIBUTION]),
        ],
        "district_bureau": [
            deadline(_("Dispatch to a district unit"), policy.dispatch_days),
            deadline(_("Ask the city bureau to take it back"), policy.district_return_days),
        ],
    }


def _carry_out_plan(
    case: Case, part: Part, plan: PartPlan, actor: User, bureau: Unit, now, calendar, catalogue
) -> list[Unit]:
    """Dispatch one part; return the handling units it went to. `catalogue`:
    what catalogue_check found, recorded on the event (N5)."""
    part.description = plan.description.strip() or part.description
    instruction = plan.instruction.strip()
    policy = case.policy
    if plan.district_bureau is not None:
        _check("pass_to_district", part.state)
        part.holder_bureau = plan.district_bureau
        part.received_at = now
        part.save(update_fields=["description", "holder_bureau", "received_at"])
        _involve(case, plan.district_bureau)
        _clock(
            calendar,
            Clock.Kind.DISPATCH,
            case,
            plan.district_bureau,
            now,
            policy.dispatch_days,
            part=part,
        )
        _event(
            case,
            "pass_to_district",
            actor,
            bureau,
            now,
            part=part,
            to=plan.district_bureau.name,
            instruction=instruction,
            **catalogue,
        )
        return []
    _check("dispatch", part.state)
    part.state = workflow.moved("dispatch", "part", part.state, P.HANDLING)
    part.save(update_fields=["description", "state"])
    members = (
        [(plan.sole, AROLE.SOLE)]
        if plan.sole
        else [(plan.lead, AROLE.LEAD), *((u, AROLE.CO) for u in plan.co)]
    )
    _involve(case, *(unit for unit, _role in members))
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                part=part,
                case=case,
                unit=unit,
                role=role,
                dispatched_by=bureau,
                dispatched_at=now,
                dispatch_instruction=instruction,
                state=workflow.moved("dispatch", "assignment", None, A.RECEIVED),
            )
            for unit, role in members
        ]
    )
    periods = unit_periods(policy)
    clocks = Clock.objects.bulk_create(
        [
            _clock(
                calendar,
                kind,
                case,
                a.unit,
                now,
                periods[kind],
                part=part,
                assignment=a,
                save=False,
            )
            for a in assignments
            for kind in (
                Clock.Kind.READ,
                Clock.Kind.CONTRIBUTION if a.role == AROLE.CO else Clock.Kind.REPLY,
            )
        ]
    )
    # Each unit is told the due time of its own reply (or contribution) clock.
    answer_due = {c.assignment_id: c.due_at for c in clocks if c.kind != Clock.Kind.READ}
    for assignment in assignments:
        due = end_text(answer_due[assignment.pk])
        with translation.override("zh-hans"):
            notice = _("New case %(number)s for your unit, due %(due)s.") % {
                "number": case.number,
                "due": due,
            }
        tell_unit(assignment.unit, case, Message.Kind.DISPATCHED, notice, due=due)
    _event(
        case,
        "dispatch",
        actor,
        bureau,
        now,
        part=part,
        units=[{"unit": u.name, "role": r} for u, r in members],
        instruction=instruction,
        **catalogue,
    )
    return [u for u, _r in members]


def _tell_internal(case: Case, units: list[Unit]) -> None:
    """R6: the requester is told which unit handles the case internally."""
    if case.handling_mode == HandlingMode.INTERNAL and units:
        tell_requester(case, Message.Kind.INTERNAL_HANDLING, unit="、".join(u.name for u in units))


@transaction.atomic
def dispatch_case(
    *, actor: User, case: Case, parts: list[PartPlan], expected_version: int | None = None
) -> Case:
    """R4, R7, R8.6, R8.7: the city bureau's first dispatch, in one or
    several parts at once, each to a city department (sole, or lead with
    co-handlers) or to a district bureau."""
    bureau = _require_city_bureau(actor, "dispatch")
    case, existing = _lock_rows_with_case(
        preconditions.parts_as_dispatch_sees_them(case.pk), case.pk, expected_version
    )
    if case.state != C.DISPATCHING:
        _check("dispatch", case.state)
    now = timezone.now()
    preconditions.require("dispatch", case, None, now)
    # A part passed to a district bureau waits on that bureau, not here.
    only = existing[0] if len(existing) == 1 else None
    if (
        only is None
        or only.state != P.AWAITING_DISPATCH
        or only.dispatched
        or only.holder_bureau_id != bureau.pk
    ):
        raise WrongState(_("This case has already been dispatched."))
    if not parts:
        raise InvalidInput(_("Say where the case goes."), field="parts")
    if len(parts) > 1 and any(not p.description.strip() for p in parts):
        raise InvalidInput(_("Describe each part of a case split in several parts."), field="parts")
    checked = []
    for plan in parts:
        _check_plan(case, bureau, plan)
        checked.append(catalogue_check(case, bureau, plan))
    calendar = case.working_calendar()
    _meet(now, case=case, kind=Clock.Kind.DISPATCH, part=None)
    handling_units, dispatched = [], []
    for number, (plan, catalogue) in enumerate(zip(parts, checked, strict=True), start=1):
        part = (
            existing[0]
            if number == 1
            else Part.objects.create(
                case=case,
                number=number,
                holder_bureau=bureau,
                state=workflow.moved("dispatch", "part", None, P.AWAITING_DISPATCH),
                received_at=existing[0].received_at,
            )
        )
        handling_units += _carry_out_plan(case, part, plan, actor, bureau, now, calendar, catalogue)
        dispatched.append(part.state)
    _refresh_state(case, dispatched)
    _save(case, "state")
    _tell_internal(case, handling_units)
    return case


@transaction.atomic
def screen_case(
    *,
    actor: User,
    case: Case,
    mode: str,
    parts: list[PartPlan],
    reason: int | None = None,
    city_final_review: bool = False,
    request_type: RequestType | None = None,
    expected_version: int | None = None,
) -> Case:
    """R3, R4, R6, R7: accept, classify and dispatch in one step (issue 15),
    retyping first if the bureau chose another type (N1). Each verb runs in
    turn with its own checks, event and clocks, inside one transaction: when
    any of them refuses, nothing of the others stays."""
    if request_type is not None and request_type.pk != case.request_type_id:
        case = retype_case(
            actor=actor, case=case, request_type=request_type, expected_version=expected_version
        )
        expected_version = case.version
    case = accept_case(
        actor=actor,
        case=case,
        city_final_review=city_final_review,
        expected_version=expected_version,
    )
    case = classify_case(
        actor=actor, case=case, mode=mode, reason=reason, expected_version=case.version
    )
    return dispatch_case(actor=actor, case=case, parts=parts, expected_version=case.version)


def _lock_part(part: Part, expected_version: int | None) -> tuple[Case, Part]:
    """Lock the part's case, then read the part.

    Two statements on purpose: under READ COMMITTED, a row joined to the
    one being locked is read from the snapshot taken before the lock wait,
    so it could be stale once a concurrent action commits."""
    case = _lock(part.case_id, expected_version)
    part = Part.objects.select_related("holder_bureau").get(pk=part.pk)
    part.case = case
    return case, part


@transaction.atomic
def dispatch_part(
    *, actor: User, part: Part, plan: PartPlan, expected_version: int | None = None
) -> Case:
    """R4, R7: the bureau holding a part dispatches it: a district bureau to
    one of its district's units, or a bureau again after a withdrawal."""
    case, part = _lock_part(part, expected_version)
    bureau = part.holder_bureau
    _require(actor, "dispatch", bureau)
    _check("dispatch", part.state)
    if case.state not in (C.DISPATCHING, C.HANDLING, C.REVIEWING):
        raise WrongState(_("This case is not open for dispatch."))
    if plan.district_bureau is not None and bureau.level != Unit.Level.CITY:
        raise InvalidInput(
            _("Only the city bureau passes cases to district bureaus."), field="parts"
        )
    now = timezone.now()
    preconditions.require("dispatch", case, part, now)
    _check_plan(case, bureau, plan)
    catalogue = catalogue_check(case, bureau, plan)
    _meet(now, part=part, kind=Clock.Kind.DISPATCH)
    units = _carry_out_plan(
        case, part, plan, actor, bureau, now, case.working_calendar(), catalogue
    )
    _refresh_state(case)
    _save(case, "state")
    _tell_internal(case, units)
    return case
