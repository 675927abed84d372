"""What the workbench shows beside the workflow, read through the API:
violations (and their excuse, D5), warning proposals (R11), ratings (D9),
a case's likely repeats (D7) and the returns and take-back requests waiting
for the caller's bureau (R8.3). Every row hangs off a case the caller may
see (endpoints_reads.visible), so another unit's is never listed."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Path, Query, Schema

from hotline.cases.models import Case, ReturnRequest, Violation
from hotline.cases.publication import mask, mask_for
from hotline.cases.repeats import find_likely_repeats, timely_reply_count
from hotline.organisation.models import Unit
from hotline.supervision.models import Warning
from hotline.supervision.rules import excuse_violation, supervised_units

from . import idempotency, pagination
from .auth import caller
from .endpoints_reads import CaseNumber, router, visible, visible_case
from .problems import Problem, field_error
from .renderers import json_response
from .schemas import MAX_ID, NO_NUL, UnitRef

ViolationId = Path(..., ge=1, le=MAX_ID)


def _words(who):
    """Staff text (an excuse's reason, a warning's note) as the caller's
    role may read it: masked for the roles that see requesters masked."""
    return (lambda text: text) if who.sees_requester else mask


class PageQuery(Schema):
    """A page of a list, by cursor (hotline.api.pagination)."""

    cursor: str = Field(None, max_length=200)
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)


class ViolationOut(Schema):
    id: int
    case: str = Field(..., description="The case number.")
    kind: Literal[tuple(Violation.Kind.values)]  # type: ignore[valid-type]
    unit: UnitRef
    person: str | None
    occurred_at: datetime
    excused: bool
    excused_at: datetime | None
    excused_by: str | None
    excuse_reason: str


class ViolationPage(Schema):
    items: list[ViolationOut]
    next_cursor: str | None


class ViolationQuery(PageQuery):
    kind: Literal[tuple(Violation.Kind.values)] = None  # type: ignore[valid-type]
    excused: bool = None


def _violation(v: Violation, words) -> dict:
    return {
        "id": v.pk,
        "case": v.case.number,
        "kind": v.kind,
        "unit": {"id": v.unit_id, "name": v.unit.name},
        "person": v.person.name if v.person else None,
        "occurred_at": v.occurred_at,
        "excused": v.excused_at is not None,
        "excused_at": v.excused_at,
        "excused_by": v.excused_by.name if v.excused_by else None,
        "excuse_reason": words(v.excuse_reason),
    }


def _violations(request):
    return Violation.objects.filter(case__in=visible(request)).select_related(
        "case", "unit", "person", "excused_by"
    )


@router.get("/violations", response=ViolationPage, summary="Violations on the caller's cases")
def list_violations(request, query: Query[ViolationQuery]):
    """Late reads, lapsed and overdue handling (R11, D5), newest first."""
    rows = _violations(request)
    if query.kind:
        rows = rows.filter(kind=query.kind)
    if query.excused is not None:
        rows = rows.filter(excused_at__isnull=not query.excused)
    page, following = pagination.page(rows, order="-id", cursor=query.cursor, limit=query.limit)
    words = _words(caller(request))
    return {"items": [_violation(v, words) for v in page], "next_cursor": following}


class ExcuseIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500, pattern=NO_NUL)


@router.post(
    "/violations/{violation_id}/excuse",
    response=ViolationOut,
    summary="Excuse a violation whose cause was not human (D5)",
    tags=["actions"],
    operation_id="excuse_violation",
)
def excuse(request, payload: ExcuseIn, violation_id: int = ViolationId):
    who = caller(request)
    who.may("excuse_violation")
    violation = _violations(request).filter(pk=violation_id).first()
    if violation is None:
        raise Http404

    def respond():
        try:
            done = excuse_violation(actor=who.user, violation=violation, reason=payload.reason)
        except PermissionDenied:
            raise Problem("not_allowed") from None
        except ValidationError as error:
            errors = getattr(error, "error_dict", None)
            raise Problem(
                "invalid_input",
                " ".join(error.messages),
                errors=[field_error("reason", " ".join(error.messages))] if errors else None,
            ) from None
        fresh = _violations(request).get(pk=done.pk)
        return json_response(
            ViolationOut.model_validate(_violation(fresh, _words(who))).model_dump()
        )

    return idempotency.once(request, who.owner, respond)


class WarningOut(Schema):
    id: int
    unit: UnitRef
    person: str
    reason: Literal[tuple(Warning.Reason.values)]  # type: ignore[valid-type]
    level: int
    decision: Literal[tuple(Warning.Decision.values)]  # type: ignore[valid-type]
    proposed_at: datetime
    decided_at: datetime | None
    note: str
    evidence: list[int] = Field(..., description="The violations it rests on.")


class WarningQuery(PageQuery):
    decision: Literal[tuple(Warning.Decision.values)] = None  # type: ignore[valid-type]


class WarningPage(Schema):
    items: list[WarningOut]
    next_cursor: str | None


@router.get("/warnings", response=WarningPage, summary="Warnings over the caller's units (R11)")
def list_warnings(request, query: Query[WarningQuery]):
    """For supervisors: the warnings the rules proposed, and how they were
    decided, for the units their efficiency office supervises."""
    who = caller(request)
    rows = Warning.objects.select_related("unit", "person").prefetch_related("evidence")
    if query.decision:
        rows = rows.filter(decision=query.decision)
    page, following = pagination.page(
        rows.filter(unit__in=supervised_units(who.user)),
        order="-id",
        cursor=query.cursor,
        limit=query.limit,
    )
    words = _words(who)
    return {
        "items": [
            {
                "id": w.pk,
                "unit": {"id": w.unit_id, "name": w.unit.name},
                "person": w.person.name,
                "reason": w.reason,
                "level": w.level,
                "decision": w.decision,
                "proposed_at": w.proposed_at,
                "decided_at": w.decided_at,
                "note": words(w.note),
                "evidence": sorted(v.pk for v in w.evidence.all()),
            }
            for w in page
        ],
        "next_cursor": following,
    }


SATISFACTION = tuple(value for value, _label in Case._meta.get_field("satisfaction").choices)


class RatingOut(Schema):
    case: str
    satisfaction: str
    rated_at: datetime
    comment: str


class RatingQuery(PageQuery):
    satisfaction: Literal[SATISFACTION] = None  # type: ignore[valid-type]


class RatingPage(Schema):
    items: list[RatingOut]
    next_cursor: str | None


@router.get("/ratings", response=RatingPage, summary="Requesters' ratings (D9)")
def list_ratings(request, query: Query[RatingQuery]):
    """The rated cases the caller may see, newest rating first."""
    who = caller(request)
    rows = visible(request).filter(rated_at__isnull=False).select_related("requester")
    if query.satisfaction:
        rows = rows.filter(satisfaction=query.satisfaction)
    page, following = pagination.page(
        rows, order="-rated_at", cursor=query.cursor, limit=query.limit
    )
    return {
        "items": [
            {
                "case": c.number,
                "satisfaction": c.satisfaction,
                "rated_at": c.rated_at,
                "comment": c.rating_comment if who.sees_requester else mask(c.rating_comment),
            }
            for c in page
        ],
        "next_cursor": following,
    }


class RepeatOut(Schema):
    number: str
    state: str
    received_at: datetime


class RepeatsOut(Schema):
    timely_reply_count: int = Field(
        ..., description="Earlier likely repeats closed with every reply on time (D7)."
    )
    repeats: list[RepeatOut]


@router.get("/cases/{number}/repeats", response=RepeatsOut, summary="A case's likely repeats (D7)")
def case_repeats(request, number: str = CaseNumber):
    case = visible_case(request, number)
    candidates = find_likely_repeats(case)
    seen = set(
        visible(request).filter(pk__in=[c.pk for c in candidates]).values_list("pk", flat=True)
    )
    earlier = [c for c in candidates if c.pk in seen]
    return {
        "timely_reply_count": timely_reply_count(case),
        "repeats": [
            {"number": c.number, "state": c.state, "received_at": c.received_at} for c in earlier
        ],
    }


class ReturnOut(Schema):
    id: int
    kind: Literal[tuple(ReturnRequest.Kind.values)]  # type: ignore[valid-type]
    case: str
    part_id: int
    assignment_id: int | None
    from_unit: UnitRef
    requested_at: datetime
    reason: str
    suggested_unit: UnitRef | None


@router.get(
    "/returns", response=list[ReturnOut], summary="Returns and take-back requests to decide"
)
def pending_returns(request):
    """R8.3: a unit's returns wait for the bureau holding the part; a
    district's take-back requests for the city bureau. Oldest first."""
    who = caller(request)
    rows = (
        ReturnRequest.objects.filter(
            decision=ReturnRequest.Decision.PENDING, part__case__in=visible(request)
        )
        .select_related("part__case__requester", "from_unit", "suggested_unit")
        .order_by("requested_at", "id")
    )
    city_bureau = who.unit.kind == Unit.Kind.PETITION_BUREAU and who.unit.level == Unit.Level.CITY
    deciding = [
        r
        for r in rows
        if (r.kind == ReturnRequest.Kind.UNIT and r.part.holder_bureau_id == who.unit.pk)
        or (r.kind == ReturnRequest.Kind.TAKE_BACK and city_bureau)
    ]
    return [
        {
            "id": r.pk,
            "kind": r.kind,
            "case": r.part.case.number,
            "part_id": r.part_id,
            "assignment_id": r.assignment_id,
            "from_unit": {"id": r.from_unit_id, "name": r.from_unit.name},
            "requested_at": r.requested_at,
            "reason": r.reason if who.sees_requester else mask_for(r.part.case.requester)(r.reason),
            "suggested_unit": (
                {"id": r.suggested_unit_id, "name": r.suggested_unit.name}
                if r.suggested_unit
                else None
            ),
        }
        for r in deciding[: pagination.MAX_LIMIT]
    ]
