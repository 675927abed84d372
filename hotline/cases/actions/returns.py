"""Returns and take-backs (R8.3a, R8.3b, D3, D4): a unit returns a case outside
its duties; a district bureau asks the city bureau to take one back."""

from dataclasses import replace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.calendar.workdays import WorkCalendar
from hotline.organisation.models import Unit, User

from .. import preconditions, workflow
from ..changes import touch
from ..errors import InvalidInput, WrongState
from ..models import (
    Assignment,
    Case,
    Clock,
    Part,
    ReturnRequest,
)
from ..violations import breached_clocks, record_violations
from ..workflow import AssignmentState as A
from ..workflow import PartState as P
from .common import (
    AROLE,
    _cancel,
    _check,
    _clock,
    _event,
    _lock,
    _meet,
    _refresh_state,
    _require,
    _require_city_bureau,
    _save,
    _text,
    city_bureau,
)
from .handling import _lock_assignment, _unit_action, _unit_event
from .screening import (
    PartPlan,
    _carry_out_plan,
    _check_plan,
    _lock_part,
    _tell_internal,
    catalogue_check,
)

# R8.3b, D4: a district bureau asks the city to take a part back -----------


@transaction.atomic
def request_take_back(
    *,
    actor: User,
    part: Part,
    reason: str,
    suggested_unit: Unit | None = None,
    expected_version: int | None = None,
) -> Case:
    """R8.3b: within district_return_days of receiving it, a district bureau
    asks the city bureau to take back a part outside its district."""
    case, part = _lock_part(part, expected_version)
    bureau = part.holder_bureau
    _require(actor, "request_take_back", bureau)
    _check("request_take_back", part.state)
    now = timezone.now()
    preconditions.require("request_take_back", case, part, now)
    reason = _text(reason, "reason", _("Give the reason the case is outside your district."))
    part.state = workflow.moved("request_take_back", "part", part.state, P.TAKE_BACK_REQUESTED)
    part.save(update_fields=["state"])
    _cancel(now, part=part, kind=Clock.Kind.DISPATCH)
    ReturnRequest.objects.create(
        kind=ReturnRequest.Kind.TAKE_BACK,
        part=part,
        from_unit=bureau,
        requested_by=actor,
        requested_at=now,
        reason=reason,
        suggested_unit=suggested_unit,
    )
    _clock(
        case.working_calendar(),
        Clock.Kind.RETURN_DECISION,
        case,
        city_bureau(case),
        now,
        case.policy.city_decision_days,
        part=part,
    )
    _refresh_state(case)
    _save(case, "state")
    _event(
        case,
        "request_take_back",
        actor,
        bureau,
        now,
        part=part,
        reason=reason,
        suggested_unit=suggested_unit.name if suggested_unit else None,
    )
    return case


@transaction.atomic
def decide_take_back(
    *, actor: User, part: Part, accept: bool, note: str = "", expected_version: int | None = None
) -> Case:
    """R8.3b: the city bureau takes the part back (fresh dispatch clock at
    the city) or leaves it with the district (whose dispatch clock starts
    again, as when the request lapses, D4)."""
    city = _require_city_bureau(actor, "decide_take_back")
    case, part = _lock_part(part, expected_version)
    _check("decide_take_back", part.state)
    now = timezone.now()
    decision_clock = part.clocks.filter(kind=Clock.Kind.RETURN_DECISION).latest("id")
    if now >= decision_clock.due_at:
        raise WrongState(_("The request lapsed unanswered; the case stays with the district."))
    request = part.return_requests.get(
        kind=ReturnRequest.Kind.TAKE_BACK, decision=ReturnRequest.Decision.PENDING
    )
    _decide(request, accept, actor, now, note)
    _meet(now, part=part, kind=Clock.Kind.RETURN_DECISION)
    district = part.holder_bureau
    part.state = workflow.moved("decide_take_back", "part", part.state, P.AWAITING_DISPATCH)
    if accept:
        part.holder_bureau, part.received_at = city, now
    part.save(update_fields=["state", "holder_bureau", "received_at"])
    _clock(
        case.working_calendar(),
        Clock.Kind.DISPATCH,
        case,
        part.holder_bureau,
        now,
        case.policy.dispatch_days,
        part=part,
    )
    _refresh_state(case)
    _save(case, "state")
    _event(
        case,
        "decide_take_back",
        actor,
        city,
        now,
        part=part,
        accepted=accept,
        note=note,
        district=district.name,
    )
    return case


def lapse_take_back(*, clock: Clock, calendar: WorkCalendar) -> None:
    """D4: the city bureau let the request pass its clock: the request lapses
    by itself and the district's dispatch clock starts again from that
    moment. Called by breach_due_clocks inside its transaction."""
    case = _lock(clock.case_id, None)
    part = Part.objects.select_related("holder_bureau").get(pk=clock.part_id)
    if part.state != P.TAKE_BACK_REQUESTED:
        return  # the city bureau answered while the clock was running out
    _check("lapse_take_back", part.state)
    at = clock.due_at
    ReturnRequest.objects.filter(
        part=part, kind=ReturnRequest.Kind.TAKE_BACK, decision=ReturnRequest.Decision.PENDING
    ).update(decision=ReturnRequest.Decision.LAPSED, decided_at=at)
    part.state = workflow.moved("lapse_take_back", "part", part.state, P.AWAITING_DISPATCH)
    part.save(update_fields=["state"])
    _clock(
        calendar,
        Clock.Kind.DISPATCH,
        case,
        part.holder_bureau,
        at,
        case.policy.dispatch_days,
        part=part,
    )
    _refresh_state(case)
    _save(case, "state")
    _event(case, "lapse_take_back", None, None, at, part=part)


# Returns (R8.3a, D3) ------------------------------------------------------


@transaction.atomic
def return_assignment(
    *,
    actor: User,
    assignment: Assignment,
    reason: str,
    suggested_unit: Unit | None = None,
    expected_version: int | None = None,
) -> Assignment:
    """R8.3a: within unit_return_days of receipt, a unit tells the bureau a
    case is outside its duties, with reasons and a suggested unit. N6: the
    return is an objection, which the bureau decides within the policy's
    objection_decision_days; once decided, the unit may not object to the
    case again (D3)."""
    case, assignment = _unit_action("return", actor, assignment, expected_version)
    now = timezone.now()
    preconditions.require("return", case, assignment, now)
    reason = _text(reason, "reason", _("Give the reason the case is outside your duties."))
    ReturnRequest.objects.create(
        kind=ReturnRequest.Kind.UNIT,
        part=assignment.part,
        assignment=assignment,
        from_unit=assignment.unit,
        requested_by=actor,
        requested_at=now,
        reason=reason,
        suggested_unit=suggested_unit,
    )
    assignment.state_before_return = assignment.state
    assignment.state = workflow.moved("return", "assignment", assignment.state, A.RETURN_REQUESTED)
    assignment.save(update_fields=["state", "state_before_return"])
    _meet(now, assignment=assignment, kind=Clock.Kind.READ)  # returning it, the unit read it
    # N6: the return is an objection the dispatching bureau decides on its
    # own clock; it runs on the assignment so that a withdrawal cancels it.
    _clock(
        case.working_calendar(),
        Clock.Kind.OBJECTION_DECISION,
        case,
        assignment.dispatched_by,
        now,
        case.policy.objection_decision_days,
        part=assignment.part,
        assignment=assignment,
    )
    _save(case)
    _unit_event(
        case,
        "return",
        actor,
        assignment,
        now,
        reason=reason,
        suggested_unit=suggested_unit.name if suggested_unit else None,
    )
    return assignment


@transaction.atomic
def decide_return(
    *,
    actor: User,
    assignment: Assignment,
    withdraw: bool,
    note: str = "",
    plan: PartPlan | None = None,
    expected_version: int | None = None,
) -> Case:
    """R8.3a: the bureau withdraws the case to dispatch it again (the next
    unit gets fresh clocks), or rejects the return (the unit's clocks run on
    untouched, D3). N6: the decision meets the bureau's objection clock (a
    late one stays late) and is final for the unit. Withdrawing a sole or
    lead unit, the bureau may name at once where the part goes (`plan`: a
    sole unit, or a lead with co-handlers, R8.6) where the catalogue does
    not settle it; otherwise it dispatches the part again later."""
    case, assignment = _lock_assignment(assignment, expected_version)
    _check("decide_return", assignment.state, assignment.role)
    bureau = assignment.dispatched_by
    _require(actor, "decide_return", bureau)
    if not withdraw:
        note = _text(note, "note", _("Say why the return is rejected."))
    if plan is not None:
        if not withdraw or assignment.role == AROLE.CO:
            raise InvalidInput(
                _("Name the next units only when withdrawing the case from its handling unit."),
                field="parts",
            )
        if plan.district_bureau is not None:
            raise InvalidInput(_("Name a unit, or a lead unit with co-handlers."), field="parts")
        # N6: the objection accepted, the case is not the objecting unit's.
        if assignment.unit_id in {u.pk for u in (plan.sole, plan.lead, *plan.co) if u}:
            raise InvalidInput(
                _("The objection of %(unit)s is accepted: name other units to handle the case.")
                % {"unit": assignment.unit.name},
                field="parts",
            )
        _check_plan(case, bureau, plan)
    now = timezone.now()
    request = assignment.return_requests.get(decision=ReturnRequest.Decision.PENDING)
    if plan is not None:
        # N6: the objection accepted is why the part leaves the unit the
        # catalogue names; the dispatch records it as its reason (N5).
        plan = replace(plan, against_catalogue=plan.against_catalogue or note or request.reason)
        catalogue = catalogue_check(case, bureau, plan)
    _decide(request, withdraw, actor, now, note)
    _meet(now, assignment=assignment, kind=Clock.Kind.OBJECTION_DECISION)
    part = assignment.part
    # Before the dispatch a plan makes, so the history reads in order.
    _event(
        case,
        "decide_return",
        actor,
        bureau,
        now,
        part=part,
        assignment=assignment,
        withdrawn=withdraw,
        note=note,
    )
    if withdraw:
        # Withdrawing the sole or lead unit takes back the whole part.
        withdrawn = (
            part.assignments.exclude(state__in=(A.WITHDRAWN, A.DONE))
            if assignment.role != AROLE.CO
            else Assignment.objects.filter(pk=assignment.pk)
        )
        rows = list(withdrawn.values_list("pk", "state"))
        ids = [pk for pk, _state in rows]
        for _pk, state in rows:
            workflow.moved("decide_return", "assignment", state, A.WITHDRAWN)
        Assignment.objects.filter(pk__in=ids).update(state=A.WITHDRAWN)
        _cancel(now, assignment__in=ids)
        _moot_returns(ids, now)
        if assignment.role != AROLE.CO:
            part.state = workflow.moved("decide_return", "part", part.state, P.AWAITING_DISPATCH)
            if plan is not None:
                handling = _carry_out_plan(
                    case, part, plan, actor, bureau, now, case.working_calendar(), catalogue
                )
            else:
                part.save(update_fields=["state"])
                _clock(
                    case.working_calendar(),
                    Clock.Kind.DISPATCH,
                    case,
                    bureau,
                    now,
                    case.policy.dispatch_days,
                    part=part,
                )
    else:
        assignment.state = workflow.moved(
            "decide_return", "assignment", assignment.state, assignment.state_before_return
        )
        assignment.return_rejected = True
        assignment.save(update_fields=["state", "return_rejected"])
        # D3: the unit's clocks ran on; what they missed meanwhile counts now,
        # on the days they were missed (already over, and maybe settled).
        missed = breached_clocks(assignment.clocks.filter(breached_at__isnull=False))
        record_violations(missed)
        touch(*(clock.due_at for clock in missed))
    _refresh_state(case)
    _save(case, "state")
    if plan is not None:
        _tell_internal(case, handling)
    return case


def _decide(request: ReturnRequest, accepted: bool, actor: User, now, note: str) -> None:
    request.decision = (
        ReturnRequest.Decision.ACCEPTED if accepted else ReturnRequest.Decision.REJECTED
    )
    request.decided_by, request.decided_at, request.decision_note = actor, now, note
    request.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])


def _moot_returns(assignment_ids, now) -> None:
    """Returns still pending from assignments that ended otherwise."""
    ReturnRequest.objects.filter(
        assignment__in=assignment_ids, decision=ReturnRequest.Decision.PENDING
    ).update(decision=ReturnRequest.Decision.MOOT, decided_at=now)
