"""What is waiting on the unit and role a person acts in, nearest due first.

Every waiting task is a case, part or assignment in a given state; its
deadline is the nearest running clock on it."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from hotline.cases.models import Assignment, Case, Clock, Part, ReturnRequest
from hotline.cases.workflow import AssignmentState as A
from hotline.cases.workflow import CaseState as C
from hotline.cases.workflow import PartState as P
from hotline.organisation.models import Role, Unit

PAGE = 50


@dataclass
class Task:
    case: Case
    what: str
    due: datetime | None
    provisional: bool = False


def _running_clock(**outer):
    clocks = Clock.objects.filter(met_at__isnull=True, cancelled_at__isnull=True, **outer).order_by(
        "due_at"
    )
    return clocks


def _nearest(queryset, field):
    clocks = _running_clock(**{field: OuterRef("pk")})
    return queryset.annotate(
        next_due=Subquery(clocks.values("due_at")[:1]),
        next_provisional=Subquery(clocks.values("provisional")[:1]),
    )


ASSIGNMENT_TASKS = {
    Role.HANDLER: [
        (Q(state=A.RECEIVED), _("read and submit to the leader")),
        (Q(state=A.INSTRUCTED, role__in=("sole", "lead")), _("draft the reply")),
        (Q(state=A.REDO), _("redo the reply")),
        (Q(state=A.INSTRUCTED, role="co"), _("send the contribution to the lead unit")),
    ],
    Role.LEADER: [
        (Q(state=A.READ), _("give an instruction")),
        (Q(state=A.AWAITING_APPROVAL), _("approve the reply")),
    ],
}


def tasks(unit: Unit, role: str, cases=None) -> list[Task]:
    """The tasks of `role` in `unit`, nearest deadline first (none last).

    `cases` narrows them to a queryset of cases (the page's filters)."""
    found: list[Task] = []

    def add(queryset, what, field):
        if cases is not None:
            queryset = queryset.filter(**{"pk__in" if field == "case" else "case__in": cases})
        # N1: the type each row shows, joined rather than read per row.
        queryset = queryset.select_related(
            "request_type" if field == "case" else "case__request_type"
        )
        for row in _nearest(queryset, field)[: PAGE * 4]:
            case = row if isinstance(row, Case) else row.case
            found.append(Task(case, str(what), row.next_due, bool(row.next_provisional)))

    if role in ASSIGNMENT_TASKS:
        for condition, what in ASSIGNMENT_TASKS[role]:
            add(
                Assignment.objects.filter(condition, unit=unit).select_related("case"),
                what,
                "assignment",
            )
    elif role == Role.DISPATCHER:
        if unit.level == Unit.Level.CITY:
            add(Case.objects.filter(state=C.SCREENING), _("screen"), "case")
            add(
                Case.objects.filter(
                    state=C.DISPATCHING, handling_mode="undecided", parts__holder_bureau=unit
                ),
                _("classify and dispatch"),
                "case",
            )
            add(
                Part.objects.filter(state=P.TAKE_BACK_REQUESTED).select_related("case"),
                _("answer a district's request to take back"),
                "part",
            )
        add(
            Part.objects.filter(
                state=P.AWAITING_DISPATCH,
                holder_bureau=unit,
                case__handling_mode__in=("public", "internal"),
            ).select_related("case"),
            _("dispatch"),
            "part",
        )
        returns = ReturnRequest.objects.filter(
            kind=ReturnRequest.Kind.UNIT,
            decision=ReturnRequest.Decision.PENDING,
            assignment__dispatched_by=unit,
        ).select_related("part__case__request_type")
        if cases is not None:
            returns = returns.filter(part__case__in=cases)
        for request in returns:
            found.append(Task(request.part.case, str(_("decide a unit's return")), None))
    elif role == Role.REVIEWER:
        reviewing_here = Clock.objects.filter(
            part=OuterRef("pk"), kind="review", unit=unit, met_at__isnull=True
        )
        add(
            Part.objects.filter(Exists(reviewing_here), state=P.REVIEWING).select_related("case"),
            _("review the reply"),
            "part",
        )
        if unit.level == Unit.Level.CITY:
            closing = Case.objects.filter(state=C.APPROVED).select_related("request_type")
            if cases is not None:
                closing = closing.filter(pk__in=cases)
            for case in closing.order_by("received_at")[:PAGE]:
                found.append(Task(case, str(_("send the result and close")), None))
            # Rated, so never without rated_at: said, the newest-first walk of
            # the rated_at index starts at the rated cases, not at the millions
            # of unrated ones a descending scan meets first.
            dissatisfied = Case.objects.filter(
                state=C.CLOSED, satisfaction="dissatisfied", rated_at__isnull=False
            ).select_related("request_type")
            if cases is not None:
                dissatisfied = dissatisfied.filter(pk__in=cases)
            for case in dissatisfied.order_by("-rated_at")[:PAGE]:
                found.append(Task(case, str(_("requester dissatisfied: consider a redo")), None))
    elif role == Role.AGENT:
        add(
            Case.objects.filter(state=C.REGISTERED, involvements__unit=unit),
            _("forward to the city bureau"),
            "case",
        )
    far = datetime.max.replace(tzinfo=None)
    found.sort(key=lambda t: (t.due is None, t.due.replace(tzinfo=None) if t.due else far))
    return found
