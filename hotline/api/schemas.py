"""What the API reads and writes, as pydantic schemas (they make the
OpenAPI document). Names follow the models and the verbs' parameters."""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, field_validator

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_text(value):
    """Dates and times as ISO text only: pydantic would otherwise read a
    bare number as seconds since 1970."""
    if isinstance(value, str | date):
        return value
    raise ValueError("expected an ISO 8601 string")


def _iso_date(value):
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return _iso_text(value)


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDatetime = Annotated[datetime, BeforeValidator(_iso_text)]


def _in_utc(value: datetime) -> datetime:
    """Stored in UTC: a moment whose UTC time falls outside years 1–9999
    (0001-01-01T00:00+14:00) is invalid, not an overflow in the database."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the moment is out of range") from None


IsoAwareDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_in_utc)]

# Ids in paths and bodies stay within a database integer, so a wild number
# is a validation error, not a database overflow.
MAX_ID = 2**62


def required_id():
    return Field(..., ge=1, le=MAX_ID)


def optional_id():
    return Field(None, ge=1, le=MAX_ID)


# PostgreSQL cannot store the NUL character in text: refused as invalid
# here rather than failing in the database (a 500).
NO_NUL = r"^[^\x00]*$"


def text(default="", max_length: int = 20000, **kw):
    return Field(default, max_length=max_length, pattern=NO_NUL, **kw)


def required_text():
    return text(...)


def optional_text():
    return text()


class ProblemOut(Schema):
    """RFC 9457 problem details, as every error is answered."""

    model_config = {"title": "Problem"}

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(..., examples=["wrong_state"])
    message_en: str
    message_zh: str
    instance: str
    errors: list[dict[str, Any]] | None = None


# Reads ---------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    name: str


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    district: str | None = Field(None, description="The district's code; none for city units.")
    parent_id: int | None
    is_active: bool


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool


class RequestTypeOut(Schema):
    code: str = Field(..., examples=["consultation"])
    name: str = Field(..., examples=["咨询"])


class RequesterOut(Schema):
    kind: str
    name: str
    phone: str
    id_number: str | None
    email: str | None
    address: str | None
    masked: bool = Field(
        ..., description="True when the caller's role sees the requester masked (D8)."
    )


class Flags(Schema):
    overdue: bool
    lapsed: bool
    repeat: bool


class CaseSummary(Schema):
    number: str = Field(..., examples=["FZ2026093000001"])
    channel: str
    state: str
    handling_mode: str
    category: CategoryOut | None
    request_type: RequestTypeOut = Field(..., description="What the request is (N1).")
    received_at: datetime
    closed_at: datetime | None
    flags: Flags
    published: bool
    version: int = Field(..., description="Send as expected_version with an action.")


class PartOut(Schema):
    id: int
    number: int
    description: str
    state: str
    holder_bureau: UnitRef
    received_at: datetime


class EscalationOut(Schema):
    id: int
    summary: str
    main_recipient: UnitRef
    copy_recipients: list[UnitRef]
    sent_at: datetime
    outcome: str
    outcome_at: datetime | None


class CaseOut(CaseSummary):
    content: str
    location: str
    disclosure_allowed: bool
    internal_reason: int | None
    refusal_reason: int | None
    city_final_review: bool
    result: str
    satisfaction: str
    rating_comment: str
    rated_at: datetime | None
    policy_id: int
    requester: RequesterOut
    parts: list[PartOut]
    escalations: list[EscalationOut]
    answered_with: int | None = Field(
        None, description="The article version a direct answer cited (N3)."
    )
    merged_into: str | None = Field(
        None, description="The lead case this case was merged into and follows (N4)."
    )
    merged_cases: list[str] = Field(
        default_factory=list, description="The cases merged into this one, which follow it (N4)."
    )


class ReplyOut(Schema):
    id: int
    content: str
    remaining_problems: str
    measures: str
    recommend_nonpublication: bool
    nonpublication_reason: str
    is_redo: bool
    drafted_at: datetime
    approved_at: datetime | None
    review_decision: str
    review_reasons: str
    reviewed_at: datetime | None


class AssignmentDue(Schema):
    kind: str
    due_at: datetime
    status: Literal["running", "met", "breached", "cancelled"]


class AssignmentOut(Schema):
    id: int
    case: str = Field(..., description="The case number.")
    part_id: int
    part_number: int
    unit: UnitRef
    role: str
    dispatched_by: UnitRef
    dispatched_at: datetime
    dispatch_instruction: str = Field(..., description="What the bureau wrote when dispatching.")
    state: str
    return_rejected: bool
    instruction: str = Field(..., description="The unit's leader's instruction.")
    contribution: str
    redo_count: int
    flag_lapsed: bool
    replies: list[ReplyOut]
    due: list[AssignmentDue]


class ClockOut(Schema):
    id: int
    kind: str
    status: Literal["running", "met", "breached", "cancelled"]
    part_id: int | None
    assignment_id: int | None
    unit: UnitRef
    working_days: int
    started_at: datetime
    due_at: datetime
    provisional: bool
    met_at: datetime | None
    breached_at: datetime | None
    cancelled_at: datetime | None


class EventOut(Schema):
    id: int
    action: str
    at: datetime
    actor: str | None
    actor_unit: UnitRef | None
    part_id: int | None
    assignment_id: int | None
    details: dict[str, Any]


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


class AssignmentPage(Schema):
    items: list[AssignmentOut]
    next_cursor: str | None


class CalendarDayOut(Schema):
    date: date
    working_day: bool
    provisional: bool = Field(..., description="The year's schedule is not confirmed (D1).")
    name: str


class PolicyOut(Schema):
    id: int
    name: str
    effective_on: date
    forward_days: int
    dispatch_days: int
    read_days: int
    reply_days: int
    unit_return_days: int
    district_return_days: int
    city_decision_days: int
    review_days: int
    redo_days: int
    co_handler_lead_days: int
    repeat_threshold: int
    late_reads_for_warning: int
    escalate_to_leader_after: int
    escalate_to_bulletin_after: int
    escalation_window_months: int


# Writes: one body per verb, named as the verb's parameters -------------------


def _version_required(schema: dict) -> None:
    schema.setdefault("required", [])
    if "expected_version" not in schema["required"]:
        schema["required"].append("expected_version")


class Versioned(Schema):
    # Required (hotline.api.endpoints_actions._act checks it after the case
    # is found, so a case the caller cannot see is still a 404).
    expected_version: int | None = Field(
        None,
        ge=1,
        le=2**31,
        description="Required: the case version you acted on; a stale one is refused "
        "(409 case_changed), a missing one is 422.",
    )

    model_config = {"json_schema_extra": _version_required}


class RequesterIn(Schema):
    kind: Literal["person", "organisation"] = "person"
    name: str = text(max_length=100)
    phone: str = text(max_length=30)
    id_number: str = text(max_length=30)
    email: str = text(max_length=254)
    address: str = text(max_length=200)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        """Checked as the intake form's EmailField checks it: an email case
        is answered at this address."""
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError("Enter a valid email address.") from None
        return value


class RegisterIn(Schema):
    channel: Literal["phone", "fax", "sms", "email"]
    requester: RequesterIn
    content: str = required_text()
    location: str = text(max_length=200)
    category: int | None = optional_id()
    request_type: str = Field(
        ...,
        max_length=20,
        description="What the request is (N1): the code of one of `/request_types`.",
        examples=["consultation"],
    )
    disclosure_allowed: bool
    received_at: IsoAwareDatetime | None = None
    forward: bool = Field(True, description="Forward to the city bureau at once (D2).")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "channel": "phone",
                    "requester": {"name": "张三", "phone": "13805912345"},
                    "content": "东街口夜间施工噪音扰民，影响休息，请尽快处理。",
                    "category": 1,
                    "request_type": "complaint",
                    "disclosure_allowed": True,
                }
            ]
        }
    }


class MergeIn(Versioned):
    cases: list[Annotated[str, Field(max_length=30, pattern=NO_NUL)]] = Field(
        ...,
        min_length=1,
        max_length=200,
        description="The numbers of the cases to merge into this lead case (N4).",
        examples=[["FZ2026112600002", "FZ2026112600003"]],
    )


class RetypeIn(Versioned):
    request_type: str = Field(
        ..., max_length=20, description="The new type's code (N1).", examples=["complaint"]
    )


class DirectAnswerIn(Schema):
    channel: Literal["phone", "fax", "sms", "email"]
    requester: RequesterIn
    content: str = required_text()
    location: str = text(max_length=200)
    category: int | None = optional_id()
    disclosure_allowed: bool = Field(
        False, description="The requester's choice; a direct answer is never published (N3)."
    )
    received_at: IsoAwareDatetime | None = None
    article_version: int = Field(
        ..., ge=1, le=MAX_ID, description="The article version answered with (N3)."
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "channel": "phone",
                    "requester": {"phone": "13805912345"},
                    "content": "居住证快到期了，续签要带什么材料？",
                    "article_version": 12,
                }
            ]
        }
    }


class AcceptIn(Versioned):
    city_final_review: bool = False


class RefuseIn(Versioned):
    reason: int = Field(..., ge=1, le=9, description="R3 (1)–(9).")
    note: str = optional_text()


class NoteIn(Versioned):
    note: str = optional_text()


class ClassifyIn(Versioned):
    mode: Literal["public", "internal"]
    reason: int | None = Field(None, ge=1, le=4, description="R6 (1)–(4), for internal.")


class PlanIn(Schema):
    description: str = optional_text()
    sole: int | None = optional_id()
    lead: int | None = optional_id()
    co: list[int] = Field(default_factory=list, max_length=50)
    district_bureau: int | None = optional_id()
    instruction: str = optional_text()  # the dispatch instruction (批转意见)
    # N5: required when the plan differs from the dispatch catalogue's suggestions.
    against_catalogue: str = optional_text()


class DispatchCaseIn(Versioned):
    parts: list[PlanIn] = Field(..., min_length=1, max_length=20)

    model_config = {
        "json_schema_extra": lambda schema: (
            _version_required(schema),
            schema.update(examples=[{"expected_version": 3, "parts": [{"sole": 12}]}]),
        )
    }


class DispatchPartIn(PlanIn, Versioned):
    pass


class ReasonIn(Versioned):
    reason: str = required_text()
    suggested_unit: int | None = optional_id()


class DecideTakeBackIn(Versioned):
    accept: bool
    note: str = optional_text()


class DecideReturnIn(Versioned):
    withdraw: bool
    note: str = optional_text()
    plan: PlanIn | None = Field(
        None,
        description="N6, R8.6: withdrawing a sole or lead unit, where the part goes next "
        "(a sole unit, or a lead with co-handlers).",
    )


class InstructIn(Versioned):
    instruction: str = required_text()


class ContributeIn(Versioned):
    text: str = required_text()


class DraftReplyIn(Versioned):
    content: str = required_text()
    remaining_problems: str = optional_text()
    measures: str = optional_text()
    recommend_nonpublication: bool = False
    nonpublication_reason: str = optional_text()


class SaveReplyDraftIn(Versioned):
    content: str = optional_text()
    remaining_problems: str = optional_text()
    measures: str = optional_text()
    recommend_nonpublication: bool = False
    nonpublication_reason: str = optional_text()


class ReviewIn(Versioned):
    approve: bool
    reasons: str = optional_text()
    agree_nonpublication: bool = False


class EscalateIn(Versioned):
    summary: str = required_text()
    main_recipient: int = required_id()
    copy_recipients: list[int] = Field(..., max_length=10)


class OutcomeIn(Versioned):
    outcome: str = required_text()


class CloseIn(Versioned):
    result: str = optional_text()


class ReopenIn(Versioned):
    reasons: str = required_text()
