"""Recording violations for breached clocks (R11, D5)."""

from hotline.organisation.models import Role, RoleGrant

from .models import Assignment, Clock, Violation

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


def record_violations(rows, batch_size=5000) -> int:
    """Violations for breached clocks given as (clock id, kind, case id,
    assignment id, unit id, due) rows. The person is whoever read the case,
    else the unit's first handler on the roster. Idempotent."""
    rows = [r for r in rows if r[1] in VIOLATION_FOR]
    readers = dict(
        Assignment.objects.filter(pk__in=[r[3] for r in rows], read_by__isnull=False).values_list(
            "pk", "read_by_id"
        )
    )
    handlers = first_handlers({r[4] for r in rows})
    created = Violation.objects.bulk_create(
        [
            Violation(
                kind=VIOLATION_FOR[kind],
                case_id=case_id,
                clock_id=clock_id,
                unit_id=unit_id,
                person_id=readers.get(assignment_id, handlers.get(unit_id)),
                occurred_at=due_at,
            )
            for clock_id, kind, case_id, assignment_id, unit_id, due_at in rows
        ],
        batch_size=batch_size,
        ignore_conflicts=True,
    )
    return len(created)
