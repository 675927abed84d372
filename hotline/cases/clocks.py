"""Watching the clocks: breaches (D3, D4, D5) and calendar changes (D1)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hotline.calendar.services import database_calendar
from hotline.calendar.workdays import SHANGHAI, end_text
from hotline.notifications.models import Message
from hotline.notifications.outbox import notify, tell_unit
from hotline.organisation.models import Role, RoleGrant, Unit

from .actions import lapse_take_back
from .changes import touch
from .models import Assignment, Case, Clock, Event
from .violations import BreachedClock, breached_clocks, record_violations
from .workflow import AssignmentState

CHUNK = 5000


@dataclass
class BreachReport:
    breached: int = 0
    violations: int = 0
    lapsed_requests: int = 0


def running_clocks():
    return Clock.objects.filter(
        met_at__isnull=True, breached_at__isnull=True, cancelled_at__isnull=True
    )


@transaction.atomic
def breach_due_clocks(now: datetime | None = None) -> BreachReport:
    """Mark every clock due by `now` and not met as breached at its due time,
    in set-based passes whose cost follows the number of clocks due.

    A breached reply clock flags the assignment and the case lapsed, a
    breached redo clock flags the case overdue (D5); these and late reads
    are recorded as violations (R11). A breached return-decision clock lets
    the district's request lapse (D4). Safe to run twice, or in two workers
    at once: locked cases are skipped and a clock is breached only once.
    """
    now = now or timezone.now()
    # Lock in the verbs' order, cases before clocks, so a breach pass and an
    # action on the same case never deadlock; a case being acted on right
    # now is skipped and picked up by the next pass (its clocks still
    # breach at their due time).
    candidates = list(
        running_clocks().filter(due_at__lte=now).values_list("case_id", flat=True).distinct()
    )
    cases = []
    for i in range(0, len(candidates), CHUNK):
        cases += (
            Case.objects.filter(pk__in=candidates[i : i + CHUNK])
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
    due = []
    for i in range(0, len(cases), CHUNK):
        due += breached_clocks(
            running_clocks().filter(due_at__lte=now, case_id__in=cases[i : i + CHUNK])
        )
    report = BreachReport(breached=len(due))
    if not due:
        return report
    ids = [row.id for row in due]
    for i in range(0, len(ids), CHUNK):
        Clock.objects.filter(pk__in=ids[i : i + CHUNK]).update(breached_at=F("due_at"))

    by_kind: dict[str, list[BreachedClock]] = {}
    for row in due:
        by_kind.setdefault(row.kind, []).append(row)

    lapsed_assignments = [r.assignment_id for r in by_kind.get(Clock.Kind.REPLY, [])]
    lapsed_cases = {r.case_id for r in by_kind.get(Clock.Kind.REPLY, [])}
    overdue_cases = {r.case_id for r in by_kind.get(Clock.Kind.REDO, [])}
    for i in range(0, len(lapsed_assignments), CHUNK):
        Assignment.objects.filter(pk__in=lapsed_assignments[i : i + CHUNK]).update(flag_lapsed=True)
    for flag, case_ids in (("flag_lapsed", lapsed_cases), ("flag_overdue", overdue_cases)):
        case_ids = list(case_ids)
        for i in range(0, len(case_ids), CHUNK):
            Case.objects.filter(pk__in=case_ids[i : i + CHUNK]).update(
                **{flag: True}, version=F("version") + 1
            )

    # A unit whose return is before the bureau is not blamed yet: if the
    # bureau withdraws the case the clocks fall away, if it rejects the
    # return the violations are recorded then (decide_return).
    returning = set(
        Assignment.objects.filter(
            pk__in={r.assignment_id for r in due if r.assignment_id},
            state=AssignmentState.RETURN_REQUESTED,
        ).values_list("pk", flat=True)
    )
    report.violations = record_violations(
        [r for r in due if r.assignment_id not in returning], batch_size=CHUNK
    )
    Event.objects.bulk_create(
        [
            Event(
                case_id=r.case_id,
                assignment_id=r.assignment_id,
                action="clock_breached",
                at=r.due_at,
                details={"clock": r.id, "kind": r.kind, "unit": r.unit_id},
            )
            for r in due
        ],
        batch_size=CHUNK,
    )

    _tell_units_of_breaches(due)

    requests = by_kind.get(Clock.Kind.RETURN_DECISION, [])
    if requests:
        calendar = database_calendar()
        for clock in Clock.objects.filter(pk__in=[r.id for r in requests]):
            lapse_take_back(clock=clock, calendar=calendar)
        report.lapsed_requests = len(requests)
    return report


def _tell_units_of_breaches(rows: list[BreachedClock]) -> None:
    """The unit whose deadline was missed hears of it (in-app, and its
    handler by SMS), in the same transaction as the breach."""
    cases = Case.objects.in_bulk({r.case_id for r in rows})
    units = Unit.objects.in_bulk({r.unit_id for r in rows})
    for r in rows:
        case, unit = cases[r.case_id], units[r.unit_id]
        label = str(Clock.Kind(r.kind).label)
        with translation.override("zh-hans"):
            notice = _("Case %(number)s: the %(deadline)s deadline was missed.") % {
                "number": case.number,
                "deadline": label,
            }
            tell_unit(unit, case, Message.Kind.BREACHED, notice, deadline=label)


def remind_due_soon(now: datetime | None = None) -> int:
    """Half a working day before a deadline (the last 12 hours of its last
    working day), the responsible unit is reminded, once per clock."""
    now = now or timezone.now()
    soon = running_clocks().filter(due_at__gt=now, due_at__lte=now + timedelta(hours=12))
    reminded = 0
    for clock in soon.select_related("case", "unit"):
        users = unit_staff(clock.unit)
        with translation.override("zh-hans"):
            text = _("Case %(number)s: the %(deadline)s deadline ends at %(due)s.") % {
                "number": clock.case.number,
                "deadline": clock.get_kind_display(),
                "due": end_text(clock.due_at, year=False),
            }
        notify(users, clock.case, text, dedupe=f"soon:{clock.pk}")
        reminded += 1
    return reminded


def daily_summary(today: date | None = None) -> int:
    """Each morning, every unit with deadlines on the next working day is
    told how many, once per unit and day."""
    calendar = database_calendar()
    today = today or timezone.localdate()
    tomorrow = calendar.next_working_day(today)
    start = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=SHANGHAI)
    counts = (
        running_clocks()
        .filter(due_at__gt=start, due_at__lte=start + timedelta(days=1))
        .values("unit")
        .annotate(n=Count("id"))
    )
    for row in counts:
        unit = Unit.objects.get(pk=row["unit"])
        with translation.override("zh-hans"):
            text = _("%(n)s deadlines of your unit end on %(day)s.") % {
                "n": row["n"],
                "day": tomorrow.isoformat(),
            }
        notify(unit_staff(unit), None, text, dedupe=f"summary:{unit.pk}:{today.isoformat()}")
    return len(counts)


def unit_staff(unit):
    return [
        g.user
        for g in RoleGrant.objects.filter(
            unit=unit, role__in=(Role.HANDLER, Role.LEADER)
        ).select_related("user")
    ]


def _clocks_touching(year: int):
    start = datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    return running_clocks().filter(started_at__lt=end, due_at__gt=start)


def _recounted(calendar, clocks):
    """(clock, new due time, provisional) for each clock the calendar moves."""
    for clock in clocks:
        due = calendar.deadline(clock.started_at, clock.working_days)
        provisional = calendar.is_provisional_between(
            timezone.localtime(clock.started_at, SHANGHAI).date(), (due - timedelta(days=1)).date()
        )
        if due != clock.due_at or provisional != clock.provisional:
            yield clock, due, provisional


def preview_clock_moves(calendar, year: int) -> dict[int, int]:
    """What recompute_open_clocks would do if `calendar` were in force: how
    many running clocks would move, by how many calendar days (0: only
    their provisional mark changes). Reads, locks nothing."""
    clocks = _clocks_touching(year).only("started_at", "working_days", "due_at", "provisional")
    moves: dict[int, int] = {}
    for clock, due, _provisional in _recounted(calendar, clocks.iterator(chunk_size=2000)):
        shift = (due - clock.due_at).days
        moves[shift] = moves.get(shift, 0) + 1
    return dict(sorted(moves.items()))


@transaction.atomic
def recompute_open_clocks(year: int) -> int:
    """D1: after a year's schedule is entered or changed, every running
    clock whose span touches that year gets its due time counted again; each
    change is an event in its case's history. Returns how many changed."""
    calendar = database_calendar()
    changed, events = [], []
    now = timezone.now()
    clocks = _clocks_touching(year)
    # Cases first, in id order, then their clocks: the verbs' lock order.
    case_ids = sorted(set(clocks.values_list("case_id", flat=True)))
    for i in range(0, len(case_ids), CHUNK):
        list(
            Case.objects.filter(pk__in=case_ids[i : i + CHUNK])
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )
    for clock, due, provisional in _recounted(
        calendar, clocks.order_by("case_id", "id").iterator(chunk_size=2000)
    ):
        events.append(
            Event(
                case_id=clock.case_id,
                assignment_id=clock.assignment_id,
                action="clock_recomputed",
                at=now,
                details={
                    "clock": clock.pk,
                    "kind": clock.kind,
                    "old_due": clock.due_at.isoformat(),
                    "new_due": due.isoformat(),
                    "provisional": provisional,
                    "year": year,
                },
            )
        )
        clock.due_at, clock.provisional = due, provisional
        changed.append(clock)
    Clock.objects.bulk_update(changed, ["due_at", "provisional"], batch_size=1000)
    touch(*(clock.due_at for clock in changed))
    Event.objects.bulk_create(events, batch_size=1000)
    return len(changed)
