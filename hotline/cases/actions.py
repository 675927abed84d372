"""The workflow's verbs: one function per write (R2–R9, D2–D9).

Each verb is keyword-only, takes the acting user, and runs in one
transaction: it locks the case, checks that the case has not changed since
the user saw it (`expected_version`), looks the action up in the transition
table (hotline.cases.workflow) and checks the actor's role in the right unit,
then changes the rows, appends the history event, starts and stops clocks
and queues messages. Views, the API and jobs call these and nothing else.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hotline.calendar.services import database_calendar
from hotline.calendar.workdays import SHANGHAI, WorkCalendar
from hotline.notifications.models import Message
from hotline.notifications.outbox import EMERGENCY_ADVICE, tell_requester, tell_unit
from hotline.organisation.models import Unit, User
from hotline.policy.models import NoPolicyInForce, Policy

from . import preconditions, workflow
from .attachments import attach
from .changes import touch
from .errors import CaseChanged, InvalidInput, NotAllowed, WrongState
from .models import (
    Assignment,
    Case,
    CaseNumberCounter,
    Category,
    Channel,
    Clock,
    Escalation,
    Event,
    HandlingMode,
    InternalReason,
    Involvement,
    Part,
    RefusalReason,
    Reply,
    Requester,
    ReturnRequest,
    Violation,
)
from .publication import mask_for
from .querycode import digest, new_code
from .rating import rating_url
from .repeats import find_likely_repeats, normalise_phone, timely_reply_count
from .search import segment
from .violations import first_handlers, record_violations
from .workflow import AssignmentState as A
from .workflow import CaseState as C
from .workflow import PartState as P

AROLE = Assignment.AssignmentRole

SERVICE_CENTER_CHANNELS = (Channel.PHONE, Channel.FAX, Channel.SMS, Channel.EMAIL)
ONLINE_CHANNELS = (Channel.WEB, Channel.API)
SATISFACTION = ("satisfied", "basically_satisfied", "dissatisfied")

# R6: which kind of unit handles an internal case, by reason.
INTERNAL_UNIT_KINDS = {
    InternalReason.DISCIPLINE: (Unit.Kind.DISCIPLINE_COMMISSION,),
    InternalReason.EFFICIENCY: (Unit.Kind.EFFICIENCY_OFFICE,),
    InternalReason.BUREAU_JUDGEMENT: (Unit.Kind.DEPARTMENT,),
    InternalReason.REQUESTER_CHOICE: (Unit.Kind.DEPARTMENT,),
}


# Helpers ------------------------------------------------------------------


def city_bureau() -> Unit:
    return Unit.objects.get(kind=Unit.Kind.PETITION_BUREAU, level=Unit.Level.CITY)


def _require(actor: User | None, action: str, unit: Unit) -> None:
    """The actor must hold the role the transition table names for `action`
    in `unit`."""
    role = workflow.BY_ACTION[action].role
    if actor is None or not actor.is_active or (unit.pk, role) not in actor.grants():
        raise NotAllowed(
            _("Only the %(role)s of %(unit)s may do this.")
            % {"role": _role_label(role), "unit": unit.name}
        )


def _held_unit(actor: User | None, action: str, **unit_is) -> Unit:
    """The unit of the given kind (and level) in which the actor holds the
    role the table names for `action`, from the actor's roles."""
    role = workflow.BY_ACTION[action].role
    if actor is not None and actor.is_active:
        for (_unit_id, held), unit in actor.grants().items():
            if held == role and all(getattr(unit, k) == v for k, v in unit_is.items()):
                return unit
    raise NotAllowed(
        _("Only the %(role)s of the right unit may do this.") % {"role": _role_label(role)}
    )


def _require_city_bureau(actor: User | None, action: str) -> Unit:
    return _held_unit(actor, action, kind=Unit.Kind.PETITION_BUREAU, level=Unit.Level.CITY)


def _role_label(role: str) -> str:
    from hotline.organisation.models import Role as StaffRole

    return str(StaffRole(role).label)


def _check(action: str, state: str | None, assignment_role: str | None = None):
    try:
        return workflow.check(action, state, assignment_role)
    except workflow.InvalidTransition:
        raise WrongState(
            _("This cannot be done now: the case is at the stage “%(state)s”.")
            % {"state": state or "—"}
        ) from None


def _lock(case_id: int, expected_version: int | None) -> Case:
    # of=self: lock the case row only, not the policy every case shares.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("policy", "requester")
        .get(pk=case_id)
    )
    return _checked_version(case, expected_version)


def _checked_version(case: Case, expected_version: int | None) -> Case:
    if expected_version is not None and case.version != expected_version:
        raise CaseChanged(_("This case has changed since you opened it. Reload to see it now."))
    return case


def _save(case: Case, *fields: str) -> None:
    """Every action bumps the version; the row is locked, so += is safe."""
    case.version += 1
    case.save(update_fields=[*fields, "version"])


def _refresh_state(case: Case) -> None:
    """A case past screening is as far along as its least advanced part."""
    if case.state in (C.REGISTERED, C.SCREENING, C.REFUSED, C.DECLINED, C.CLOSED):
        return
    case.state = workflow.case_state_from_parts(list(case.parts.values_list("state", flat=True)))


def _involve(case: Case, *units: Unit) -> None:
    """These units take part in the case from now on, and may see it."""
    Involvement.objects.bulk_create(
        [Involvement(case=case, unit=u) for u in units], ignore_conflicts=True
    )
    if any(u.district_id for u in units):
        # A district's figures count the cases its units take part in.
        touch(case.received_at, case.rated_at)


def _event(
    case, action, actor, unit, at, *, part=None, assignment=None, save=True, **details
) -> Event:
    """A history row; `save=False` leaves it for a bulk insert."""
    return (Event.objects.create if save else Event)(
        case=case,
        part=part,
        assignment=assignment,
        action=action,
        actor=actor,
        actor_unit=unit,
        at=at,
        details=details,
    )


def _clock(
    calendar: WorkCalendar,
    kind: str,
    case: Case,
    unit: Unit,
    at: datetime,
    days: int,
    *,
    part=None,
    assignment=None,
    save: bool = True,
) -> Clock:
    """A clock of `days` working days from `at` (D1, D3); `save=False`
    leaves it for a bulk insert."""
    due = calendar.deadline(at, days)
    clock = Clock(
        kind=kind,
        case=case,
        part=part,
        assignment=assignment,
        unit=unit,
        working_days=days,
        started_at=at,
        due_at=due,
        provisional=calendar.is_provisional_between(
            timezone.localtime(at, SHANGHAI).date(), (due - timedelta(days=1)).date()
        ),
    )
    touch(due)
    if save:
        clock.save()
    return clock


def _running(**filters):
    return Clock.objects.filter(met_at__isnull=True, cancelled_at__isnull=True, **filters)


def _meet(at: datetime, **filters) -> int:
    return _running(**filters).update(met_at=at)


def _cancel(at: datetime, **filters) -> int:
    return _running(**filters).exclude(breached_at__isnull=False).update(cancelled_at=at)


def _text(value: str, field_name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field=field_name)
    return value


def _fits(row, *fields: str) -> None:
    """Each text as it will be stored fits its column. Checked here, after
    the verb's own changes (upper() makes "ß" two letters, "ﬃ" three),
    for every door a case comes in by: PostgreSQL refuses a longer value
    (a server error), SQLite would keep it."""
    for name in fields:
        limit = row._meta.get_field(name).max_length
        if len(getattr(row, name)) > limit:
            raise InvalidInput(_("At most %(limit)d characters.") % {"limit": limit}, field=name)


def _next_number(received_at: datetime) -> str:
    """The day's next sequence number, in one statement that two
    transactions cannot both get (PostgreSQL and SQLite alike)."""
    day = timezone.localtime(received_at, SHANGHAI).date()
    table = CaseNumberCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        (last,) = cursor.fetchone()
    return f"{settings.HOTLINE_CASE_PREFIX}{day:%Y%m%d}{last:05d}"


@dataclass(frozen=True)
class RequesterDetails:
    name: str = ""
    phone: str = ""
    id_number: str = ""
    email: str = ""
    address: str = ""
    kind: str = Requester.Kind.PERSON


def _new_case(
    *,
    channel: str,
    requester: RequesterDetails,
    content: str,
    location: str,
    category: Category | None,
    disclosure_allowed: bool,
    received_at: datetime,
    state: str,
    registered_by: User | None,
) -> Case:
    content = _text(content, "content", _("Please enter what the request is about."))
    phone = normalise_phone(requester.phone)
    if requester.phone and not phone:
        raise InvalidInput(_("This phone number is not valid."), field="phone")
    reply_by_email = channel == Channel.EMAIL
    if reply_by_email and not requester.email:
        raise InvalidInput(_("An email case needs the requester's email address."), field="email")
    if not reply_by_email and not phone:
        raise InvalidInput(
            _("A phone number is needed to send the result back to the requester."), field="phone"
        )
    if category is not None and not category.is_active:
        raise InvalidInput(_("This category is no longer in use."), field="category")
    try:
        policy = Policy.in_force(received_at)
    except NoPolicyInForce:
        raise InvalidInput(
            _("No policy is in force on the day received."), field="received_at"
        ) from None
    person = Requester(
        kind=requester.kind,
        name=requester.name.strip(),
        phone=phone,
        id_number=requester.id_number.strip().upper(),
        email=requester.email.strip(),
        address=requester.address.strip(),
    )
    location = location.strip()
    _fits(person, "name", "phone", "id_number", "email", "address")
    _fits(Case(location=location), "location")
    person.save()
    case = Case.objects.create(
        number=_next_number(received_at),
        channel=channel,
        requester=person,
        content=content,
        location=location,
        category=category,
        disclosure_allowed=disclosure_allowed,
        received_at=received_at,
        policy=policy,
        registered_by=registered_by,
        state=state,
        # Indexed as the public would read it: searching a published list
        # by someone's phone or name must not find their case (D8).
        search_text=segment(*map(mask_for(person), (content, location))),
        query_code_hash=digest(code := new_code()),
    )
    touch(received_at)  # a registration entered after the day it came in
    case.query_code = code  # shown once, to the requester
    case.flag_repeat = bool(find_likely_repeats(case))
    if case.flag_repeat:
        case.save(update_fields=["flag_repeat"])
    tell_requester(case, Message.Kind.ACKNOWLEDGEMENT, code=code)
    return case


def _reach_city_bureau(case: Case, calendar: WorkCalendar, at: datetime, bureau: Unit) -> None:
    """R7: the city bureau has dispatch_days to screen, classify and dispatch."""
    _clock(calendar, Clock.Kind.DISPATCH, case, bureau, at, case.policy.dispatch_days)


# Intake (R2, R5, D2) -------------------------------------------------------


@transaction.atomic
def register_case(
    *,
    actor: User,
    channel: str,
    requester: RequesterDetails,
    content: str,
    disclosure_allowed: bool,
    location: str = "",
    category: Category | None = None,
    received_at: datetime | None = None,
    forward: bool = True,
    attachments=(),
) -> Case:
    """R5: the service center registers a phone, fax, SMS or email case and
    forwards it to the city bureau the same day (D2). `attachments` are
    uploaded files (a scanned fax: PDF or image)."""
    _check("register", None)
    center = _held_unit(actor, "register", kind=Unit.Kind.SERVICE_CENTER)
    if channel not in SERVICE_CENTER_CHANNELS:
        raise InvalidInput(
            _("The service center registers phone, fax, SMS and email cases."), field="channel"
        )
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise InvalidInput(_("The time received cannot be in the future."), field="received_at")
    case = _new_case(
        channel=channel,
        requester=requester,
        content=content,
        location=location,
        category=category,
        disclosure_allowed=disclosure_allowed,
        received_at=received_at,
        state=C.SCREENING if forward else C.REGISTERED,
        registered_by=actor,
    )
    calendar = database_calendar()
    policy = case.policy
    clocks = [
        _clock(calendar, Clock.Kind.FORWARD, case, center, now, policy.forward_days, save=False)
    ]
    events = [_event(case, "register", actor, center, now, save=False, channel=channel)]
    if forward:
        # Registered and forwarded in one go, as the intake page does.
        _check("forward", C.REGISTERED)
        bureau = city_bureau()
        clocks[0].met_at = now
        clocks.append(
            _clock(
                calendar, Clock.Kind.DISPATCH, case, bureau, now, policy.dispatch_days, save=False
            )
        )
        events.append(_event(case, "forward", actor, center, now, save=False, to=bureau.name))
    Clock.objects.bulk_create(clocks)
    Event.objects.bulk_create(events)
    _involve(case, center)
    attach(case, attachments)
    return case


def _forward(case: Case, actor: User, unit: Unit, now: datetime, calendar) -> None:
    bureau = city_bureau()
    _meet(now, case=case, kind=Clock.Kind.FORWARD)
    case.state = C.SCREENING
    _save(case, "state")
    _reach_city_bureau(case, calendar, now, bureau)
    _event(case, "forward", actor, unit, now, to=bureau.name)


@transaction.atomic
def forward_case(*, actor: User, case: Case, expected_version: int | None = None) -> Case:
    """R5: forward a registered case to the city bureau (D2: the same day)."""
    case = _lock(case.pk, expected_version)
    _check("forward", case.state)
    unit = case.clocks.get(kind=Clock.Kind.FORWARD).unit
    _require(actor, "forward", unit)
    _forward(case, actor, unit, timezone.now(), database_calendar())
    return case


@transaction.atomic
def submit_online(
    *,
    requester: RequesterDetails,
    content: str,
    disclosure_allowed: bool,
    location: str = "",
    category: Category | None = None,
    channel: str = Channel.WEB,
    attachments=(),
) -> Case:
    """R2, R5: a web (or API) case goes straight to the city bureau."""
    _check("submit_online", None)
    if channel not in ONLINE_CHANNELS:
        raise InvalidInput(_("Online submission is by web or API."), field="channel")
    now = timezone.now()
    case = _new_case(
        channel=channel,
        requester=requester,
        content=content,
        location=location,
        category=category,
        disclosure_allowed=disclosure_allowed,
        received_at=now,
        state=C.SCREENING,
        registered_by=None,
    )
    _reach_city_bureau(case, database_calendar(), now, city_bureau())
    _event(case, "submit_online", None, None, now, channel=channel)
    attach(case, attachments)
    return case


# Screening (R3, R4, R6, R8.5) ----------------------------------------------


def _screening(action: str, actor: User, case_id: int, expected_version: int | None):
    bureau = _require_city_bureau(actor, action)
    case = _lock(case_id, expected_version)
    _check(action, case.state)
    return case, bureau


@transaction.atomic
def refuse_case(
    *, actor: User, case: Case, reason: int, note: str = "", expected_version: int | None = None
) -> Case:
    """R3: refuse with one of the nine reasons; the requester is told
    through the original channel, and for an emergency (R3(8)) told to call
    an emergency line at once."""
    case, bureau = _screening("refuse", actor, case.pk, expected_version)
    if reason not in RefusalReason.values:
        raise InvalidInput(_("Choose one of the nine reasons of R3."), field="reason")
    now = timezone.now()
    case.state = C.REFUSED
    case.refusal_reason = reason
    _save(case, "state", "refusal_reason")
    _meet(now, case=case, kind=Clock.Kind.DISPATCH)
    _event(case, "refuse", actor, bureau, now, reason=reason, note=note)
    with translation.override("zh-hans"):
        label = str(RefusalReason(reason).label)
    if reason == RefusalReason.EMERGENCY:
        label = f"{label}。{EMERGENCY_ADVICE}"
    tell_requester(case, Message.Kind.REFUSAL, reason=label)
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
        state=P.AWAITING_DISPATCH,
        received_at=case.clocks.get(kind=Clock.Kind.DISPATCH, part=None).started_at,
    )
    case.state = C.DISPATCHING
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
    case, bureau = _screening("classify", actor, case.pk, expected_version)
    preconditions.require("classify", case, case, timezone.now())
    if mode == HandlingMode.PUBLIC:
        if not case.disclosure_allowed:
            raise InvalidInput(
                _(
                    "The requester chose not to have this case handled publicly: "
                    "it must be handled internally (R6(4))."
                ),
                field="mode",
            )
        reason = None
    elif mode == HandlingMode.INTERNAL:
        if reason not in InternalReason.values:
            raise InvalidInput(_("Choose one of the four reasons of R6."), field="reason")
    else:
        raise InvalidInput(_("Choose public or internal handling."), field="mode")
    now = timezone.now()
    case.handling_mode = mode
    case.internal_reason = reason
    _save(case, "handling_mode", "internal_reason")
    _event(case, "classify", actor, bureau, now, mode=mode, reason=reason)
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
    case.state = C.DECLINED
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
        raise InvalidInput(_("A lead unit needs at least one co-handling unit (R8.6)."), field="co")
    if plan.lead is None and plan.co:
        raise InvalidInput(_("Co-handling units need a lead unit (R8.6)."), field="co")
    units = [*targets, *plan.co]
    if len({u.pk for u in units}) != len(units):
        raise InvalidInput(_("A unit appears twice in the same part."), field="co")
    for unit in units:
        if unit.parent_id != bureau.pk or not unit.is_active:
            raise InvalidInput(
                _("%(unit)s is not a unit that %(bureau)s dispatches to (R4).")
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
                _("%(unit)s cannot handle this case: it needs a %(kinds)s (R6).")
                % {
                    "unit": unit.name,
                    "kinds": "、".join(str(Unit.Kind(k).label) for k in allowed),
                },
                field="parts",
            )


def _carry_out_plan(
    case: Case, part: Part, plan: PartPlan, actor: User, bureau: Unit, now, calendar
) -> list[Unit]:
    """Dispatch one part; return the handling units it went to."""
    part.description = plan.description.strip() or part.description
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
            case, "pass_to_district", actor, bureau, now, part=part, to=plan.district_bureau.name
        )
        return []
    _check("dispatch", part.state)
    part.state = P.HANDLING
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
                state=A.RECEIVED,
            )
            for unit, role in members
        ]
    )
    # D3: the reply clock starts on receipt, reading included (R8.2);
    # D6: a co-handler reads on the lead's clock and contributes
    # co_handler_lead_days before the lead's reply is due, which is the
    # same as reply_days − co_handler_lead_days from receipt.
    periods = {
        Clock.Kind.READ: policy.read_days,
        Clock.Kind.REPLY: policy.reply_days,
        Clock.Kind.CONTRIBUTION: policy.reply_days - policy.co_handler_lead_days,
    }
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
    for assignment, clock in zip(assignments, clocks[1::2], strict=True):
        due = timezone.localtime(clock.due_at, SHANGHAI).strftime("%Y-%m-%d %H:%M")
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
    case = _lock(case.pk, expected_version)
    if case.state != C.DISPATCHING:
        _check("dispatch", case.state)
    if case.handling_mode == HandlingMode.UNDECIDED:
        raise WrongState(_("Classify the case as public or internal handling first (R4)."))
    existing = list(case.parts.all())
    if len(existing) != 1 or existing[0].state != P.AWAITING_DISPATCH or case.assignments.exists():
        raise WrongState(_("This case has already been dispatched."))
    if not parts:
        raise InvalidInput(_("Say where the case goes."), field="parts")
    if len(parts) > 1 and any(not p.description.strip() for p in parts):
        raise InvalidInput(
            _("Describe each part of a case split in several parts (R8.7)."), field="parts"
        )
    for plan in parts:
        _check_plan(case, bureau, plan)
    now = timezone.now()
    calendar = database_calendar()
    _meet(now, case=case, kind=Clock.Kind.DISPATCH, part=None)
    handling_units = []
    for number, plan in enumerate(parts, start=1):
        part = (
            existing[0]
            if number == 1
            else Part.objects.create(
                case=case,
                number=number,
                holder_bureau=bureau,
                state=P.AWAITING_DISPATCH,
                received_at=existing[0].received_at,
            )
        )
        handling_units += _carry_out_plan(case, part, plan, actor, bureau, now, calendar)
    _refresh_state(case)
    _save(case, "state")
    _tell_internal(case, handling_units)
    return case


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
    _check_plan(case, bureau, plan)
    now = timezone.now()
    _meet(now, part=part, kind=Clock.Kind.DISPATCH)
    units = _carry_out_plan(case, part, plan, actor, bureau, now, database_calendar())
    _refresh_state(case)
    _save(case, "state")
    _tell_internal(case, units)
    return case


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
    part.state = P.TAKE_BACK_REQUESTED
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
        database_calendar(),
        Clock.Kind.RETURN_DECISION,
        case,
        city_bureau(),
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
        raise WrongState(_("The request lapsed unanswered; the case stays with the district (D4)."))
    request = part.return_requests.get(
        kind=ReturnRequest.Kind.TAKE_BACK, decision=ReturnRequest.Decision.PENDING
    )
    _decide(request, accept, actor, now, note)
    _meet(now, part=part, kind=Clock.Kind.RETURN_DECISION)
    district = part.holder_bureau
    part.state = P.AWAITING_DISPATCH
    if accept:
        part.holder_bureau, part.received_at = city, now
    part.save(update_fields=["state", "holder_bureau", "received_at"])
    _clock(
        database_calendar(),
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
    part.state = P.AWAITING_DISPATCH
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


# In the unit (R8.1, R8.2, D6) ---------------------------------------------


def _lock_assignment(assignment: Assignment, expected_version: int | None):
    """Lock the assignment's case, then read the assignment (see _lock_part)."""
    case = _lock(assignment.case_id, expected_version)
    assignment = Assignment.objects.select_related("unit", "part", "dispatched_by").get(
        pk=assignment.pk
    )
    assignment.case = assignment.part.case = case
    return case, assignment


def _unit_event(case, action, actor, assignment, now, **details) -> Event:
    return _event(
        case,
        action,
        actor,
        assignment.unit,
        now,
        part=assignment.part,
        assignment=assignment,
        **details,
    )


def _unit_action(action, actor, assignment, expected_version):
    case, assignment = _lock_assignment(assignment, expected_version)
    _check(action, assignment.state, assignment.role)
    _require(actor, action, assignment.unit)
    return case, assignment


@transaction.atomic
def read_assignment(
    *, actor: User, assignment: Assignment, expected_version: int | None = None
) -> Assignment:
    """R8.1: the unit's handler reads the case and submits it to the leader
    in charge; this meets the read clock."""
    case, assignment = _unit_action("read", actor, assignment, expected_version)
    now = timezone.now()
    assignment.state, assignment.read_by = A.READ, actor
    assignment.save(update_fields=["state", "read_by"])
    _meet(now, assignment=assignment, kind=Clock.Kind.READ)
    _save(case)
    _unit_event(case, "read", actor, assignment, now)
    return assignment


@transaction.atomic
def instruct_assignment(
    *, actor: User, assignment: Assignment, instruction: str, expected_version: int | None = None
) -> Assignment:
    """R8.1: the leader in charge gives an instruction."""
    case, assignment = _unit_action("instruct", actor, assignment, expected_version)
    instruction = _text(instruction, "instruction", _("Write the instruction."))
    now = timezone.now()
    assignment.state, assignment.instruction = A.INSTRUCTED, instruction
    assignment.save(update_fields=["state", "instruction"])
    _save(case)
    _unit_event(case, "instruct", actor, assignment, now, instruction=instruction)
    return assignment


@transaction.atomic
def contribute(
    *, actor: User, assignment: Assignment, text: str, expected_version: int | None = None
) -> Assignment:
    """D6: a co-handling unit sends its contribution to the lead unit."""
    case, assignment = _unit_action("contribute", actor, assignment, expected_version)
    text = _text(text, "text", _("Write the contribution for the lead unit."))
    now = timezone.now()
    assignment.state, assignment.contribution = A.CONTRIBUTED, text
    assignment.save(update_fields=["state", "contribution"])
    _meet(now, assignment=assignment, kind=Clock.Kind.CONTRIBUTION)
    _save(case)
    lead = assignment.part.assignments.exclude(state=A.WITHDRAWN).get(role=AROLE.LEAD)
    _unit_event(case, "contribute", actor, assignment, now, to=lead.unit.name, text=text)
    return assignment


@transaction.atomic
def draft_reply(
    *,
    actor: User,
    assignment: Assignment,
    content: str,
    remaining_problems: str = "",
    measures: str = "",
    recommend_nonpublication: bool = False,
    nonpublication_reason: str = "",
    expected_version: int | None = None,
) -> Reply:
    """R8.2: the handler drafts the reply (what was done; for complex
    matters the remaining problems and the measures proposed). R9: it can
    recommend that the result not be published, with a reason."""
    case, assignment = _unit_action("draft_reply", actor, assignment, expected_version)
    content = _text(content, "content", _("Write what was done."))
    if recommend_nonpublication:
        nonpublication_reason = _text(
            nonpublication_reason,
            "nonpublication_reason",
            _("Say why the result should not be published."),
        )
    now = timezone.now()
    reply = Reply.objects.create(
        assignment=assignment,
        content=content,
        remaining_problems=remaining_problems.strip(),
        measures=measures.strip(),
        recommend_nonpublication=recommend_nonpublication,
        nonpublication_reason=nonpublication_reason if recommend_nonpublication else "",
        is_redo=assignment.state == A.REDO,
        drafted_by=actor,
        drafted_at=now,
    )
    assignment.state = A.AWAITING_APPROVAL
    assignment.save(update_fields=["state"])
    _save(case)
    _unit_event(
        case,
        "draft_reply",
        actor,
        assignment,
        now,
        reply=reply.pk,
        recommend_nonpublication=recommend_nonpublication,
    )
    return reply


@transaction.atomic
def send_back_draft(
    *, actor: User, assignment: Assignment, note: str, expected_version: int | None = None
) -> Assignment:
    """R8.2: the leader in charge does not approve the draft; the handler
    writes it again."""
    case, assignment = _unit_action("send_back_draft", actor, assignment, expected_version)
    note = _text(note, "note", _("Say what the draft lacks."))
    now = timezone.now()
    reply = assignment.replies.latest("id")
    assignment.state = A.REDO if reply.is_redo else A.INSTRUCTED
    assignment.save(update_fields=["state"])
    _save(case)
    _unit_event(case, "send_back_draft", actor, assignment, now, reply=reply.pk, note=note)
    return assignment


@transaction.atomic
def approve_reply(
    *, actor: User, assignment: Assignment, expected_version: int | None = None
) -> Reply:
    """R8.2: the reply leaves the unit only with its leader's approval; it
    goes to the bureau of the unit's level for review, or straight to the
    city bureau for a case under city final review (R8.4b)."""
    case, assignment = _unit_action("approve_reply", actor, assignment, expected_version)
    now = timezone.now()
    part = assignment.part
    reviewing = city_bureau() if case.city_final_review else part.holder_bureau
    reply = assignment.replies.latest("id")
    reply.approved_by, reply.approved_at, reply.reviewing_bureau = actor, now, reviewing
    reply.save(update_fields=["approved_by", "approved_at", "reviewing_bureau"])
    assignment.state = A.SUBMITTED
    assignment.save(update_fields=["state"])
    _meet(now, assignment=assignment, kind=Clock.Kind.REDO if reply.is_redo else Clock.Kind.REPLY)
    part.state = P.REVIEWING
    part.save(update_fields=["state"])
    _clock(
        database_calendar(),
        Clock.Kind.REVIEW,
        case,
        reviewing,
        now,
        case.policy.review_days,
        part=part,
    )
    _refresh_state(case)
    _save(case, "state")
    _event(
        case,
        "approve_reply",
        actor,
        assignment.unit,
        now,
        part=part,
        assignment=assignment,
        reply=reply.pk,
        to=reviewing.name,
    )
    return reply


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
    case is outside its duties, with reasons and a suggested unit. After a
    rejected return it may not return the case again (D3)."""
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
    assignment.state_before_return, assignment.state = assignment.state, A.RETURN_REQUESTED
    assignment.save(update_fields=["state", "state_before_return"])
    _meet(now, assignment=assignment, kind=Clock.Kind.READ)  # returning it, the unit read it
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
    expected_version: int | None = None,
) -> Case:
    """R8.3a: the bureau withdraws the case to dispatch it again (the next
    unit gets fresh clocks), or rejects the return (the unit's clocks run on
    untouched, D3)."""
    case, assignment = _lock_assignment(assignment, expected_version)
    _check("decide_return", assignment.state, assignment.role)
    bureau = assignment.dispatched_by
    _require(actor, "decide_return", bureau)
    if not withdraw:
        note = _text(note, "note", _("Say why the return is rejected."))
    now = timezone.now()
    request = assignment.return_requests.get(decision=ReturnRequest.Decision.PENDING)
    _decide(request, withdraw, actor, now, note)
    part = assignment.part
    if withdraw:
        # Withdrawing the sole or lead unit takes back the whole part.
        withdrawn = (
            part.assignments.exclude(state__in=(A.WITHDRAWN, A.DONE))
            if assignment.role != AROLE.CO
            else Assignment.objects.filter(pk=assignment.pk)
        )
        ids = list(withdrawn.values_list("pk", flat=True))
        Assignment.objects.filter(pk__in=ids).update(state=A.WITHDRAWN)
        _cancel(now, assignment__in=ids)
        _moot_returns(ids, now)
        if assignment.role != AROLE.CO:
            part.state = P.AWAITING_DISPATCH
            part.save(update_fields=["state"])
            _clock(
                database_calendar(),
                Clock.Kind.DISPATCH,
                case,
                bureau,
                now,
                case.policy.dispatch_days,
                part=part,
            )
    else:
        assignment.state = assignment.state_before_return
        assignment.return_rejected = True
        assignment.save(update_fields=["state", "return_rejected"])
        # D3: the unit's clocks ran on; what they missed meanwhile counts now,
        # on the days they were missed (already over, and maybe settled).
        missed = list(
            assignment.clocks.filter(breached_at__isnull=False).values_list(
                "id", "kind", "case_id", "assignment_id", "unit_id", "due_at"
            )
        )
        record_violations(missed)
        touch(*(row[5] for row in missed))
    _refresh_state(case)
    _save(case, "state")
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
    return case


# Review (R8.4, D5, R9) ----------------------------------------------------


@transaction.atomic
def review_reply(
    *,
    actor: User,
    part: Part,
    approve: bool,
    reasons: str = "",
    agree_nonpublication: bool = False,
    expected_version: int | None = None,
) -> Reply:
    """R8.4a: the bureau approves the reply or sends it back for a redo with
    reasons; a redo that falls short again marks the case overdue (D5).
    R9: where the unit recommended not publishing, the reviewer decides."""
    case, part = _lock_part(part, expected_version)
    _check("review", part.state)
    assignment = part.assignments.select_related("unit").get(
        role__in=(AROLE.SOLE, AROLE.LEAD), state=A.SUBMITTED
    )
    reply = assignment.replies.latest("id")
    reviewing = reply.reviewing_bureau
    _require(actor, "review", reviewing)
    if not approve:
        reasons = _text(reasons, "reasons", _("Say where the reply falls short."))
    now = timezone.now()
    reply.review_decision = "approved" if approve else "redo"
    reply.review_reasons = reasons
    reply.nonpublication_agreed = (
        approve and reply.recommend_nonpublication and agree_nonpublication
    )
    reply.reviewed_by, reply.reviewed_at = actor, now
    reply.save(
        update_fields=[
            "review_decision",
            "review_reasons",
            "nonpublication_agreed",
            "reviewed_by",
            "reviewed_at",
        ]
    )
    _meet(now, part=part, kind=Clock.Kind.REVIEW)
    if approve:
        part.state = P.APPROVED
        done = list(part.assignments.exclude(state=A.WITHDRAWN).values_list("pk", "state"))
        ids = [pk for pk, _state in done]
        unread = [pk for pk, state in done if state == A.RECEIVED]
        # A co-handler that never read the case keeps its read clock: the
        # late read still counts (R11(1)).
        _running(assignment__in=ids).exclude(breached_at__isnull=False).exclude(
            kind=Clock.Kind.READ, assignment__in=unread
        ).update(cancelled_at=now)
        _moot_returns(ids, now)
        Assignment.objects.filter(pk__in=ids).update(state=A.DONE)
    else:
        _send_for_redo(case, part, assignment, actor, reviewing, now, reasons)
    part.save(update_fields=["state"])
    _refresh_state(case)
    _save(case, "state", "flag_overdue")
    _event(
        case,
        "review",
        actor,
        reviewing,
        now,
        part=part,
        assignment=assignment,
        reply=reply.pk,
        approved=approve,
        reasons=reasons,
        nonpublication_agreed=reply.nonpublication_agreed,
    )
    return reply


def _send_for_redo(case, part, assignment, actor, bureau, now, reasons) -> None:
    """R8.4a, D3: the redo clock starts when the bureau sends the reply back;
    D5: failing a redo marks the case overdue, with a violation."""
    if assignment.redo_count >= 1:
        case.flag_overdue = True
        clock = assignment.clocks.filter(kind=Clock.Kind.REDO).latest("id")
        Violation.objects.get_or_create(
            clock=clock,
            kind=Violation.Kind.OVERDUE,
            defaults={
                "case": case,
                "unit": assignment.unit,
                "person": responsible_person(assignment),
                "occurred_at": now,
            },
        )
    assignment.state = A.REDO
    assignment.redo_count += 1
    assignment.save(update_fields=["state", "redo_count"])
    part.state = P.REDO
    _clock(
        database_calendar(),
        Clock.Kind.REDO,
        case,
        assignment.unit,
        now,
        case.policy.redo_days,
        part=part,
        assignment=assignment,
    )


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


def responsible_person(assignment: Assignment) -> User | None:
    """R11: the handler who read the case, or else the unit's first handler."""
    if assignment.read_by_id:
        return assignment.read_by
    handler = first_handlers([assignment.unit_id]).get(assignment.unit_id)
    return User.objects.get(pk=handler) if handler else None


# Escalation (R8.8) --------------------------------------------------------


@transaction.atomic
def escalate_case(
    *,
    actor: User,
    case: Case,
    summary: str,
    main_recipient: Unit,
    copy_recipients: list[Unit],
    expected_version: int | None = None,
) -> Escalation:
    """R8.8: the bureau summarises a difficult case for the general office's
    leader in charge (main recipient), with a copy to the committee's or
    government's leader in charge."""
    bureau = _require_city_bureau(actor, "escalate")
    case = _lock(case.pk, expected_version)
    _check("escalate", case.state)
    summary = _text(summary, "summary", _("Write the summary for the general office."))
    offices = [main_recipient, *copy_recipients]
    if any(u.kind != Unit.Kind.GENERAL_OFFICE for u in offices):
        raise InvalidInput(
            _("Escalations go to the general offices (R8.8)."), field="main_recipient"
        )
    if not copy_recipients or main_recipient in copy_recipients:
        raise InvalidInput(
            _("Copy the escalation to the other general office (R8.8)."), field="copy_recipients"
        )
    now = timezone.now()
    escalation = Escalation.objects.create(
        case=case, summary=summary, main_recipient=main_recipient, sent_by=actor, sent_at=now
    )
    escalation.copy_recipients.set(copy_recipients)
    _involve(case, *offices)
    _save(case)
    _event(
        case,
        "escalate",
        actor,
        bureau,
        now,
        summary=summary,
        to=main_recipient.name,
        cc=[u.name for u in copy_recipients],
    )
    return escalation


@transaction.atomic
def record_coordination(
    *, actor: User, escalation: Escalation, outcome: str, expected_version: int | None = None
) -> Escalation:
    """R8.8: the general office's leader in charge records the outcome."""
    case = _lock(escalation.case_id, expected_version)
    _check("record_coordination", case.state)
    escalation = Escalation.objects.select_related("main_recipient").get(pk=escalation.pk)
    _require(actor, "record_coordination", escalation.main_recipient)
    if escalation.outcome_at is not None:
        raise WrongState(_("The outcome of this escalation has already been recorded."))
    outcome = _text(outcome, "outcome", _("Write the coordinated outcome."))
    now = timezone.now()
    escalation.outcome, escalation.outcome_by, escalation.outcome_at = outcome, actor, now
    escalation.save(update_fields=["outcome", "outcome_by", "outcome_at"])
    _save(case)
    _event(case, "record_coordination", actor, escalation.main_recipient, now, outcome=outcome)
    return escalation


# Result, publication and rating (R9, D9) ------------------------------------


def is_publishable(case: Case) -> bool:
    """R9: internal cases, and cases whose unit recommended not publishing
    with the bureau's agreement, are only sent, never published."""
    if case.handling_mode != HandlingMode.PUBLIC:
        return False
    return not Reply.objects.filter(
        assignment__case=case, review_decision="approved", nonpublication_agreed=True
    ).exists()


def _approved_replies(case: Case):
    return (
        Reply.objects.filter(assignment__case=case, review_decision="approved")
        .select_related("assignment__unit", "assignment__part")
        .order_by("assignment__part__number", "-id")
    )


@transaction.atomic
def close_case(
    *, actor: User, case: Case, result: str = "", expected_version: int | None = None
) -> Case:
    """R9: once every part's reply is approved, the result goes back through
    the original channel and, unless R9 says otherwise, is published."""
    bureau = _require_city_bureau(actor, "close")
    case = _lock(case.pk, expected_version)
    _check("close", case.state)
    if not result.strip():
        latest = {}
        for reply in _approved_replies(case):
            latest.setdefault(reply.assignment.part_id, reply)
        result = "\n".join(r.content for r in latest.values())
    now = timezone.now()
    case.state = C.CLOSED
    case.result = result.strip()
    case.closed_at = now
    case.published = is_publishable(case)
    _save(case, "state", "result", "closed_at", "published")
    tell_requester(case, Message.Kind.RESULT, result=case.result, rating_url=rating_url(case))
    _event(case, "close", actor, bureau, now, published=case.published)
    return case


@transaction.atomic
def rate_case(*, case: Case, satisfaction: str, comment: str = "") -> Case:
    """D9: after the result is sent, the requester rates it once."""
    case = _lock(case.pk, None)
    _check("rate", case.state)
    if case.rated_at is not None:
        raise WrongState(_("This case has already been rated."))
    if satisfaction not in SATISFACTION:
        raise InvalidInput(
            _("Choose satisfied, basically satisfied or dissatisfied."), field="satisfaction"
        )
    now = timezone.now()
    case.satisfaction, case.rating_comment, case.rated_at = satisfaction, comment.strip(), now
    _save(case, "satisfaction", "rating_comment", "rated_at")
    _event(case, "rate", None, None, now, satisfaction=satisfaction, comment=case.rating_comment)
    return case


@transaction.atomic
def reopen_for_redo(
    *, actor: User, case: Case, reasons: str, expected_version: int | None = None
) -> Case:
    """D9: after a dissatisfied rating the city bureau may open a redo: every
    part's reply goes back to its unit with a fresh redo clock."""
    bureau = _require_city_bureau(actor, "reopen")
    case = _lock(case.pk, expected_version)
    _check("reopen", case.state)
    preconditions.require("reopen", case, case, timezone.now())
    reasons = _text(reasons, "reasons", _("Say what the redo should address."))
    now = timezone.now()
    for part in case.parts.all():
        assignment = part.assignments.select_related("unit").get(
            role__in=(AROLE.SOLE, AROLE.LEAD), state=A.DONE
        )
        # Reopening sends the reply back like a review would: a redo that
        # then falls short is overdue handling (D5).
        assignment.state = A.REDO
        assignment.redo_count += 1
        assignment.save(update_fields=["state", "redo_count"])
        part.state = P.REDO
        part.save(update_fields=["state"])
        _clock(
            database_calendar(),
            Clock.Kind.REDO,
            case,
            assignment.unit,
            now,
            case.policy.redo_days,
            part=part,
            assignment=assignment,
        )
    previous = {"satisfaction": case.satisfaction, "comment": case.rating_comment}
    case.state = C.HANDLING
    case.published = False
    # The rating was of the old result; the requester rates the new one.
    touch(case.rated_at)
    case.satisfaction, case.rating_comment, case.rated_at = "", "", None
    _save(case, "state", "published", "satisfaction", "rating_comment", "rated_at")
    _event(case, "reopen", actor, bureau, now, reasons=reasons, previous_rating=previous)
    return case
