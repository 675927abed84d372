"""What every stage's verbs share: the actor's right, the case lock and its
version, events, clocks, and making a new case."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case as Choose
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.calendar.services import CALENDAR
from hotline.calendar.workdays import SHANGHAI, WorkCalendar
from hotline.catalogue.models import CATALOGUE
from hotline.notifications.models import Message
from hotline.notifications.outbox import TEMPLATES, tell_requester
from hotline.organisation.models import CITY_BUREAU, Unit, User
from hotline.policy.models import POLICIES, NoPolicyInForce, Policy
from hotline.reference.revisions import NOT_READ, Revisions

from .. import workflow
from ..changes import touch
from ..errors import CaseChanged, InvalidInput, NotAllowed, WrongState
from ..labels import STATE_LABELS
from ..models import (
    Assignment,
    Case,
    Category,
    Channel,
    Clock,
    Event,
    InternalReason,
    Involvement,
    Part,
    Requester,
    RequestType,
)
from ..numbers import next_number
from ..publication import mask_for
from ..querycode import digest, new_code
from ..repeats import find_likely_repeats, normalise_phone, same_requester
from ..request_types import REQUEST_TYPES, UNSTATED, in_use
from ..search import index_text
from ..workflow import AssignmentState as A
from ..workflow import CaseState as C
from ..workflow import PartState as P

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


# What a verb reads beside its first row (hotline.reference).
REFERENCES = Revisions(CALENDAR, TEMPLATES, CITY_BUREAU, REQUEST_TYPES, POLICIES, CATALOGUE)


def city_bureau(case: Case | None = None) -> Unit:
    """The city bureau; `case`: one a verb locked, with the revisions."""
    revisions = getattr(case, "reference_revisions", {})
    return CITY_BUREAU.get(revisions.get(CITY_BUREAU.name, NOT_READ))


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
            % {"state": STATE_LABELS.get(state, state) if state else "—"}
        ) from None


# What a verb reads with the case, unless it says it needs less: the policy
# for its clocks, the requester for its messages. Each join costs the ORM
# more than the statement it may save.
WITH_CASE = ("policy", "requester")


def _lock(case_id: int, expected_version: int | None, with_case=WITH_CASE) -> Case:
    # of=self: lock the case row only, not the policy every case shares.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related(*with_case)
        .annotate(**REFERENCES.beside())
        .get(pk=case_id)
    )
    case.reference_revisions = REFERENCES.read_beside(case)
    return _checked_version(case, expected_version)


def _lock_rows_with_case(
    rows,
    case_id: int,
    expected_version: int | None,
    case_path: str = "case",
    *,
    first: bool = False,
    with_case=WITH_CASE,
) -> tuple[Case, list]:
    """The case `case_id`, locked, and `rows` (rows of it, with what they
    join), in one statement; `first`: only the first row.

    Under READ COMMITTED a row joined to the locked one is read from the
    snapshot taken before the lock wait, so it is stale if an action
    committed meanwhile. Every action changes the case's version: the
    version in that snapshot is read beside the locked one, and when they
    differ the rows are read again, under the lock now held. When the
    snapshot had no rows, nothing was locked: the case is locked alone and
    the rows read again under that lock, for an action that committed
    during the wait may have made them."""
    rows = rows.select_related(case_path, *(f"{case_path}__{name}" for name in with_case))
    if first:
        rows = rows.order_by(*(rows.query.order_by or ["pk"]))
    taken = slice(0, 1) if first else slice(None)
    snapshot = Case.objects.filter(pk=OuterRef(f"{case_path}_id")).values("version")[:1]
    locking = rows.select_for_update(of=(case_path,)).annotate(
        snapshot_version=Subquery(snapshot), **REFERENCES.beside()
    )
    locked = list(locking[taken])
    if not locked:
        case = _lock(case_id, expected_version, with_case)
        return case, _with_case(list(rows[taken]), case_path, case)
    revisions = REFERENCES.read_beside(locked[0])
    if locked[0].snapshot_version != _case_of(locked[0], case_path).version:
        locked = list(rows[taken])
        if not locked:
            return _lock(case_id, expected_version, with_case), []
    case = _case_of(locked[0], case_path)
    case.reference_revisions = revisions
    _checked_version(case, expected_version)
    return case, _with_case(locked, case_path, case)


def _with_case(rows: list, case_path: str, case: Case) -> list:
    """One case object for all the rows."""
    *path, name = case_path.split("__")
    for row in rows:
        for step in path:
            row = getattr(row, step)
        setattr(row, name, case)
    return rows


def _lock_with_case(
    rows, case_id: int, expected_version: int | None, case_path: str = "case", with_case=WITH_CASE
):
    """The case, locked, and the first of `rows` or None (see
    _lock_rows_with_case)."""
    case, locked = _lock_rows_with_case(
        rows, case_id, expected_version, case_path, first=True, with_case=with_case
    )
    return case, (locked[0] if locked else None)


def _case_of(row, case_path: str) -> Case:
    for name in case_path.split("__"):
        row = getattr(row, name)
    return row


def _checked_version(case: Case, expected_version: int | None) -> Case:
    if expected_version is not None and case.version != expected_version:
        raise CaseChanged(_("This case has changed since you opened it. Reload to see it now."))
    return case


def _save(case: Case, *fields: str) -> None:
    """Every action bumps the version; the row is locked, so += is safe."""
    case.version += 1
    case.save(update_fields=[*fields, "version"])


def _other_parts(part_path: str = "part"):
    """Whether the case has parts besides the row's own, read in the same
    statement as the row: a case of one part needs no second look."""
    return Exists(
        Part.objects.filter(case_id=OuterRef(f"{part_path}__case_id")).exclude(
            pk=OuterRef(f"{part_path}_id")
        )
    )


def _refresh_state(case: Case, states: list[str] | None = None) -> None:
    """A case past screening is as far along as its least advanced part;
    `states` are all its parts' states when the caller has them."""
    if case.state in (C.REGISTERED, C.SCREENING, C.REFUSED, C.DECLINED, C.CLOSED):
        return
    if states is None:
        states = list(case.parts.values_list("state", flat=True))
    case.state = workflow.case_state_from_parts(states)


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


def _running(*where, **filters):
    return Clock.objects.filter(*where, met_at__isnull=True, cancelled_at__isnull=True, **filters)


def _meet(at: datetime, *where, **filters) -> int:
    return _running(*where, **filters).update(met_at=at)


def _meet_and_cancel(at: datetime, *, meet: Q, cancel: Q) -> int:
    """Meet the running clocks `meet` selects and cancel the unbreached ones
    `cancel` selects, in one statement."""
    return _running(meet | (cancel & Q(breached_at__isnull=True))).update(
        met_at=Choose(When(meet, then=Value(at)), default=F("met_at")),
        cancelled_at=Choose(When(meet, then=F("cancelled_at")), default=Value(at)),
    )


def _cancel(at: datetime, **filters) -> int:
    return _running(**filters).exclude(breached_at__isnull=False).update(cancelled_at=at)


def _start_redo(action: str, case: Case, part, assignment, now: datetime) -> None:
    """R8.4a, D3, D9: the reply goes back to its unit, which redoes it on a
    fresh redo clock (the caller saves the part)."""
    assignment.state = workflow.moved(action, "assignment", assignment.state, A.REDO)
    assignment.redo_count += 1
    assignment.save(update_fields=["state", "redo_count"])
    part.state = workflow.moved(action, "part", part.state, P.REDO)
    _clock(
        case.working_calendar(),
        Clock.Kind.REDO,
        case,
        assignment.unit,
        now,
        case.policy.redo_days,
        part=part,
        assignment=assignment,
    )


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
    request_type: RequestType | str | None = None,
    acknowledge: bool = True,
    unstated: str = UNSTATED,
    answered_with=None,
    closed_at: datetime | None = None,
) -> Case:
    """A new case, numbered, with its query code; `acknowledge`: the
    requester is sent its number and query code (a verb that sends them
    another message carrying both says no); `unstated`: the request type
    when none is given; `answered_with`, `closed_at`: the article version
    a direct answer closes it with (N3) and when, in the same insert."""
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
    beside = REFERENCES.beside()
    identity = same_requester(person)
    if identity is not None:
        # D7: only a requester with earlier cases can be repeating one; most
        # have none, and this read beside the policy says so.
        beside["requester_known"] = Exists(
            Case.objects.filter(identity, received_at__lte=received_at)
        )
    try:
        policy = Policy.in_force(received_at, **beside)
    except NoPolicyInForce:
        raise InvalidInput(
            _("No policy is in force on the day received."), field="received_at"
        ) from None
    person.save()
    revisions = REFERENCES.read_beside(policy)
    request_type = _typed(REQUEST_TYPES.get(revisions[REQUEST_TYPES.name]), request_type, unstated)
    case = Case(
        request_type=request_type,
        answered_with=answered_with,
        result=answered_with.answer if answered_with else "",
        closed_at=closed_at,
        number=next_number(received_at),
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
        search_text=index_text(*map(mask_for(person), (content, location))),
        query_code_hash=digest(code := new_code()),
    )
    case.flag_repeat = bool(getattr(policy, "requester_known", False) and find_likely_repeats(case))
    case.save()
    case.reference_revisions = revisions
    touch(received_at)  # a registration entered after the day it came in
    case.query_code = code  # shown once, to the requester
    # None when nothing carries the code (a landline caller): the agent
    # reads it out during the call.
    case.acknowledgement = (
        tell_requester(case, Message.Kind.ACKNOWLEDGEMENT, code=code) if acknowledge else None
    )
    return case


def _typed(
    types: dict[str, RequestType], given: RequestType | str | None, unstated: str
) -> RequestType:
    """N1: the case's type, given as a type or its code (the API's, checked
    against the copy read beside the policy, so it costs no statement)."""
    if isinstance(given, str):
        return in_use(given, types)
    found = given or types[unstated]
    if not found.is_active:
        raise InvalidInput(_("This request type is no longer in use."), field="request_type")
    return found


def _reach_city_bureau(case: Case, calendar: WorkCalendar, at: datetime, bureau: Unit) -> None:
    """R7: the city bureau has dispatch_days to screen, classify and dispatch."""
    _clock(calendar, Clock.Kind.DISPATCH, case, bureau, at, case.policy.dispatch_days)
