"""Reads. Every case, and everything hanging off a case, is found through
visible_cases() for the caller's unit and role, so a case outside it is a
404 exactly as on the workbench."""

from datetime import timedelta
from typing import Literal

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from hotline.calendar.models import CalendarDay
from hotline.calendar.services import database_calendar
from hotline.calendar.workdays import CalendarRangeError
from hotline.cases import filters
from hotline.cases.models import Assignment, Case, Category, Channel, Clock
from hotline.cases.request_types import active_request_types
from hotline.cases.visibility import visible_cases
from hotline.cases.workflow import AssignmentState, CaseState
from hotline.organisation.models import Unit
from hotline.policy.models import NoPolicyInForce, Policy

from . import out, pagination, tokens
from .auth import caller
from .problems import Problem, field_error
from .schemas import (
    MAX_ID,
    NO_NUL,
    AssignmentOut,
    AssignmentPage,
    CalendarDayOut,
    CaseOut,
    CasePage,
    CategoryOut,
    ClockOut,
    EventOut,
    IsoDate,
    IsoDatetime,
    PolicyOut,
    RequestTypeOut,
    UnitOut,
)

router = Router(tags=["reads"])

CaseNumber = Path(..., max_length=30, pattern=NO_NUL, examples=["FZ2026093000001"])
PathId = Path(..., ge=1, le=MAX_ID)
MAX_CALENDAR_DAYS = 366


def visible(request: HttpRequest):
    """What the caller may read: a person, the acting unit's cases for the
    role; a token, within its read scope as well (docs/api.md)."""
    who = caller(request)
    if who.token is not None and not who.token.reads_unit:
        # "submitted": the cases it submitted, and nothing else of its unit.
        return tokens.readable_cases(who.token, Case.objects.all())
    return visible_cases(who.unit, who.role)


def visible_case(request: HttpRequest, number: str) -> Case:
    case = (
        visible(request)
        .select_related("requester", "category", "policy", "request_type")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404
    return case


# Query parameters are typed without "| None" (but default to None): a
# query string cannot carry a null, so the document should not offer one.
class CaseQuery(Schema):
    status: Literal[tuple(s.value for s in CaseState)] = None  # type: ignore[valid-type]
    channel: Literal[tuple(Channel.values)] = None  # type: ignore[valid-type]
    category: int = Field(None, ge=1, le=MAX_ID)
    district: int = Field(None, ge=1, le=MAX_ID)
    overdue: bool = False
    lapsed: bool = False
    repeat: bool = False
    received_from: IsoDate = Field(None, description="Received on or after this day.")
    received_to: IsoDate = Field(None, description="Received on or before this day.")
    q: str = Field(
        None, max_length=100, pattern=NO_NUL, description="Full-text search of the case text."
    )
    order: Literal["-received_at", "received_at"] = "-received_at"
    cursor: str = Field(None, max_length=200)
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)


@router.get("/cases", response=CasePage, summary="List the cases the caller may see")
def list_cases(request, query: Query[CaseQuery]):
    """Newest first unless `order=received_at`; narrowed by the same filters
    as the workbench's case list."""
    wanted = QueryDict(mutable=True)
    for name in ("status", "channel", "category", "district", "q"):
        if getattr(query, name) is not None:
            wanted[name] = str(getattr(query, name))
    for flag in ("overdue", "lapsed", "repeat"):
        if getattr(query, flag):
            wanted[flag] = "on"
    if query.received_from:
        wanted["from"] = query.received_from.isoformat()
    if query.received_to:
        wanted["to"] = query.received_to.isoformat()
    cases = filters.apply(visible(request), wanted, role=caller(request).role).select_related(
        "category", "request_type"
    )
    rows, following = pagination.page(
        cases, order=query.order, cursor=query.cursor, limit=query.limit
    )
    return {"items": [out.case_summary(c) for c in rows], "next_cursor": following}


@router.get("/cases/{number}", response=CaseOut, summary="One case")
def get_case(request, number: str = CaseNumber):
    return out.case_detail(visible_case(request, number), caller(request))


def _assignments(queryset):
    return queryset.select_related(*out.ASSIGNMENT_RELATED).prefetch_related(
        "replies", Prefetch("clocks", Clock.objects.order_by("started_at", "id"))
    )


@router.get(
    "/cases/{number}/assignments", response=list[AssignmentOut], summary="A case's assignments"
)
def case_assignments(request, number: str = CaseNumber):
    case = visible_case(request, number)
    who = caller(request)
    return [out.assignment(a, who) for a in _assignments(case.assignments.order_by("part", "id"))]


@router.get("/cases/{number}/clocks", response=list[ClockOut], summary="A case's deadlines")
def case_clocks(request, number: str = CaseNumber):
    case = visible_case(request, number)
    return [out.clock(c) for c in case.clocks.select_related("unit").order_by("started_at", "id")]


@router.get("/cases/{number}/events", response=list[EventOut], summary="A case's timeline")
def case_events(request, number: str = CaseNumber):
    case = visible_case(request, number)
    who = caller(request)
    events = case.events.select_related("actor", "actor_unit")
    return [out.event(e, case, who) for e in events]


class AssignmentQuery(Schema):
    state: Literal[tuple(s.value for s in AssignmentState)] = None  # type: ignore[valid-type]
    cursor: str = Field(None, max_length=200)
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)


@router.get("/assignments", response=AssignmentPage, summary="The caller's unit's assignments")
def list_assignments(request, query: Query[AssignmentQuery]):
    """Newest first (an assignment is made when it is dispatched). A unit
    takes part in every case it is assigned, so all of them are visible
    (to a token, those of the cases its read scope allows)."""
    who = caller(request)
    assignments = Assignment.objects.filter(unit=who.unit)
    if who.token is not None and not who.token.reads_unit:
        assignments = assignments.filter(case__api_submission__token=who.token)
    if query.state:
        assignments = assignments.filter(state=query.state)
    rows, following = pagination.page(
        _assignments(assignments), order="-id", cursor=query.cursor, limit=query.limit
    )
    return {"items": [out.assignment(a, who) for a in rows], "next_cursor": following}


@router.get("/assignments/{assignment_id}", response=AssignmentOut, summary="One assignment")
def get_assignment(request, assignment_id: int = PathId):
    assignment = _assignments(Assignment.objects.filter(pk=assignment_id)).first()
    if assignment is None or not visible(request).filter(pk=assignment.case_id).exists():
        raise Http404
    return out.assignment(assignment, caller(request))


@router.get("/units", response=list[UnitOut], summary="Units")
def list_units(request, active: bool = Query(None)):
    units = Unit.objects.select_related("district")
    if active is not None:
        units = units.filter(is_active=active)
    return [out.unit(u) for u in units]


@router.get("/units/{unit_id}", response=UnitOut, summary="One unit")
def get_unit(request, unit_id: int = PathId):
    return out.unit(Unit.objects.select_related("district").get(pk=unit_id))


@router.get("/categories", response=list[CategoryOut], summary="Case categories")
def list_categories(request, active: bool = Query(None)):
    categories = Category.objects.all()
    if active is not None:
        categories = categories.filter(is_active=active)
    return [out.category(c) for c in categories]


@router.get("/request_types", response=list[RequestTypeOut], summary="Request types")
def list_request_types(request):
    """N1: the types a case is registered with, in the list's order; the
    ones no longer in use are left out."""
    return [out.request_type(t) for t in active_request_types()]


class PolicyQuery(Schema):
    at: IsoDatetime = Field(None, description="The moment; now when not given.")


@router.get("/policy", response=PolicyOut, summary="The policy in force")
def policy_in_force(request, query: Query[PolicyQuery]):
    """In force now, or at `at` (a case keeps the policy of the day it was
    received, R13)."""
    when = query.at or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    try:
        return Policy.in_force(when)
    except (NoPolicyInForce, OverflowError):
        raise Http404 from None


@router.get("/policies/{policy_id}", response=PolicyOut, summary="One policy")
def get_policy(request, policy_id: int = PathId):
    return Policy.objects.get(pk=policy_id)


class CalendarQuery(Schema):
    start: IsoDate = Field(..., description="First day.")
    end: IsoDate = Field(..., description=f"Last day; at most {MAX_CALENDAR_DAYS} days on.")


@router.get("/calendar", response=list[CalendarDayOut], summary="Working days (D1)")
def calendar_days(request, query: Query[CalendarQuery]):
    span = (query.end - query.start).days
    if not 0 <= span < MAX_CALENDAR_DAYS:
        raise Problem(
            "validation_error",
            errors=[field_error("end", f"Give 1 to {MAX_CALENDAR_DAYS} days from start.")],
        )
    names = dict(
        CalendarDay.objects.filter(date__range=(query.start, query.end)).values_list("date", "name")
    )
    calendar = database_calendar()
    days = [query.start + timedelta(days=i) for i in range(span + 1)]
    try:
        return [
            {
                "date": d,
                "working_day": calendar.is_working_day(d),
                "provisional": calendar.is_provisional(d),
                "name": names.get(d, ""),
            }
            for d in days
        ]
    except CalendarRangeError as error:
        raise Problem("validation_error", errors=[field_error("start", str(error))]) from None
