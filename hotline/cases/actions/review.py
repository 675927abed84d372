"""Review and result (R8.4, D5, R9): the bureau reviews the reply, and the
result goes back through the original channel."""

from django.db import transaction
from django.db.models import Case as Choose
from django.db.models import Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.notifications.models import Message
from hotline.notifications.outbox import tell_requester
from hotline.organisation.models import User

from .. import workflow
from ..errors import WrongState
from ..models import (
    Assignment,
    Case,
    Clock,
    Event,
    HandlingMode,
    Part,
    Reply,
    Violation,
)
from ..rating import rating_url
from ..replies import result_text
from ..violations import first_handlers
from ..workflow import AssignmentState as A
from ..workflow import CaseState as C
from ..workflow import PartState as P
from .common import (
    AROLE,
    _check,
    _event,
    _lock_rows_with_case,
    _lock_with_case,
    _meet,
    _meet_and_cancel,
    _other_parts,
    _refresh_state,
    _require,
    _require_city_bureau,
    _save,
    _start_redo,
    _text,
)
from .returns import _moot_returns
from .screening import _lock_part

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
    case, reply = _lock_reply_under_review(part, expected_version)
    if reply is None:
        case, part = _lock_part(part, expected_version)
        _check("review", part.state)
        raise WrongState(_("There is no reply to review."))
    assignment = reply.assignment
    case, part = assignment.case, assignment.part
    part.case = case
    _check("review", part.state)
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
    review_clock = Q(part=part, kind=Clock.Kind.REVIEW)
    if approve:
        part.state = workflow.moved("review", "part", part.state, P.APPROVED)
        done = (
            list(part.assignments.exclude(state=A.WITHDRAWN).values_list("pk", "state"))
            if reply.co_handled
            else [(assignment.pk, assignment.state)]
        )
        ids = [pk for pk, _state in done]
        unread = [pk for pk, state in done if state == A.RECEIVED]
        # The units' clocks stop with the review's; a co-handler that never
        # read the case keeps its read clock: the late read still counts
        # (R11(1)).
        _meet_and_cancel(
            now,
            meet=review_clock,
            cancel=Q(assignment__in=ids) & ~Q(kind=Clock.Kind.READ, assignment__in=unread),
        )
        if any(state == A.RETURN_REQUESTED for _pk, state in done):
            _moot_returns(ids, now)
        for _pk, state in done:
            workflow.moved("review", "assignment", state, A.DONE)
        Assignment.objects.filter(pk__in=ids).update(state=A.DONE)
    else:
        _meet(now, review_clock)
        _send_for_redo(case, part, assignment, actor, reviewing, now, reasons)
    part.save(update_fields=["state"])
    _refresh_state(case, None if reply.other_parts else [part.state])
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


def _lock_reply_under_review(part: Part, expected_version: int | None):
    """The case, locked, and the part's reply under review (or None) with
    its assignment, part and bureaus, in one statement."""
    return _lock_with_case(
        Reply.objects.filter(
            assignment__part_id=part.pk,
            assignment__role__in=(AROLE.SOLE, AROLE.LEAD),
            assignment__state=A.SUBMITTED,
        )
        .select_related("assignment__unit", "assignment__part", "reviewing_bureau")
        .annotate(
            other_parts=_other_parts("assignment__part"),
            co_handled=Exists(
                Assignment.objects.filter(part_id=OuterRef("assignment__part_id"))
                .exclude(pk=OuterRef("assignment_id"))
                .exclude(state=A.WITHDRAWN)
            ),
        )
        .order_by("-id"),
        part.case_id,
        expected_version,
        case_path="assignment__case",
        with_case=("policy",),
    )


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
    _start_redo("review", case, part, assignment, now)


def responsible_person(assignment: Assignment) -> User | None:
    """R11: the handler who read the case, or else the unit's first handler."""
    if assignment.read_by_id:
        return assignment.read_by
    handler = first_handlers([assignment.unit_id]).get(assignment.unit_id)
    return User.objects.get(pk=handler) if handler else None


# Result, publication and rating (R9, D9) ------------------------------------


def is_publishable(case: Case, approved_replies: list[Reply] | None = None) -> bool:
    """R9: internal cases, and cases whose unit recommended not publishing
    with the bureau's agreement, are only sent, never published.
    `approved_replies`: all the case's approved replies, if already read."""
    if case.handling_mode != HandlingMode.PUBLIC:
        return False
    if approved_replies is not None:
        return not any(r.nonpublication_agreed for r in approved_replies)
    return not Reply.objects.filter(
        assignment__case=case, review_decision="approved", nonpublication_agreed=True
    ).exists()


def _approved_replies(case_id: int):
    return (
        Reply.objects.filter(assignment__case_id=case_id, review_decision="approved")
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
    case, approved = _lock_rows_with_case(
        # N4: whether cases follow this one, read in the same statement.
        _approved_replies(case.pk).annotate(
            followed=Exists(Case.objects.filter(merged_into_id=OuterRef("assignment__case_id")))
        ),
        case.pk,
        expected_version,
        case_path="assignment__case",
        with_case=("requester",),
    )
    _check("close", case.state)
    if not result.strip():
        result = result_text(approved)
    now = timezone.now()
    case.state = workflow.moved("close", "case", case.state, C.CLOSED)
    case.result = result.strip()
    case.closed_at = now
    case.published = is_publishable(case, approved)
    _save(case, "state", "result", "closed_at", "published")
    tell_requester(case, Message.Kind.RESULT, result=case.result, rating_url=rating_url(case))
    _event(case, "close", actor, bureau, now, published=case.published)
    if approved and approved[0].followed:
        _close_followers(case, actor, bureau, now)
    return case


def _close_followers(lead: Case, actor: User, bureau, now) -> None:
    """N4: every case merged into `lead` is closed with its result, under
    the lead's handling mode; each is published only if its own requester
    allowed it (R9, D8), and each requester is told through their own
    channel with their own rating link (D9)."""
    followers = list(
        Case.objects.select_for_update(of=("self",))
        .filter(merged_into=lead, state=C.MERGED)
        .select_related("requester")
    )
    for follower in followers:
        workflow.moved("close", "case", follower.state, C.CLOSED)
    Case.objects.filter(pk__in=[f.pk for f in followers]).update(
        state=C.CLOSED,
        result=lead.result,
        closed_at=now,
        handling_mode=lead.handling_mode,
        internal_reason=lead.internal_reason,
        published=Choose(When(disclosure_allowed=True, then=Value(lead.published)), default=False),
        version=F("version") + 1,
    )
    for follower in followers:
        follower.state, follower.result, follower.closed_at = C.CLOSED, lead.result, now
        tell_requester(
            follower, Message.Kind.RESULT, result=lead.result, rating_url=rating_url(follower)
        )
    Event.objects.bulk_create(
        [
            _event(
                f,
                "close",
                actor,
                bureau,
                now,
                save=False,
                lead=lead.number,
                published=lead.published and f.disclosure_allowed,
            )
            for f in followers
        ]
    )
