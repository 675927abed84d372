"""Recording violations for breached clocks (R11, D5)."""

from datetime import datetime
from typing import NamedTuple

from hotline.organisation.models import Role, RoleGrant

from .models import Assignment, Clock, Violation


class BreachedClock(NamedTuple):
    """A clock as its breach and its violation need it."""

    id: int
    kind: str
    case_id: int
    assignment_id: int | None
    unit_id: int
    due_at: datetime


def breached_clocks(clocks) -> list[BreachedClock]:
    """The clocks of a queryset, read as BreachedClock rows."""
    return [BreachedClock(*row) for row in clocks.values_list(*BreachedClock._fields)]


# Which breach is a violation against the unit and its person.
VIOLATION_FOR = {
    Clock.Kind.READ: Violation.Kind.LATE_READ,
    Clock.Kind.REPLY: Violation.Kind.LAPSED,
    Clock.Kind.REDO: Violation.Kind.OVERDUE,
}


def first_handlers(unit_ids) -> dict[int, int]:
    first: dict[int, int] = {}
    for unit_id, user_id in (
        RoleGrant.objects.filter(unit_id__in=unit_ids, role=Role.HANDLER)
        .order_by("granted_at", "id")
        .values_list("unit_id", "user_id")
    ):
        first.setdefault(unit_id, user_id)
    return first


def record_violations(rows: list[BreachedClock], batch_size=5000) -> int:
    """Violations for breached clocks. The person is whoever read the case,
    else the unit's first handler on the roster. Idempotent."""
    rows = [r for r in rows if r.kind in VIOLATION_FOR]
    readers = dict(
        Assignment.objects.filter(
            pk__in=[r.assignment_id for r in rows], read_by__isnull=False
        ).values_list("pk", "read_by_id")
    )
    handlers = first_handlers({r.unit_id for r in rows})
    created = Violation.objects.bulk_create(
        [
            Violation(
                kind=VIOLATION_FOR[r.kind],
                case_id=r.case_id,
                clock_id=r.id,
                unit_id=r.unit_id,
                person_id=readers.get(r.assignment_id, handlers.get(r.unit_id)),
                occurred_at=r.due_at,
            )
            for r in rows
        ],
        batch_size=batch_size,
        ignore_conflicts=True,
    )
    return len(created)
