"""Handling in the unit (R8.1, R8.2, D6): read, instruct, contribute, draft and
approve the reply."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.organisation.models import User

from .. import workflow
from ..attachments import attach
from ..errors import WrongState
from ..models import (
    Assignment,
    Attachment,
    Clock,
    Event,
    Reply,
)
from ..workflow import AssignmentState as A
from ..workflow import PartState as P
from .common import (
    AROLE,
    WITH_CASE,
    _check,
    _clock,
    _event,
    _lock_with_case,
    _meet,
    _other_parts,
    _refresh_state,
    _require,
    _save,
    _text,
    city_bureau,
)

# In the unit (R8.1, R8.2, D6) ---------------------------------------------


def _lock_assignment(assignment: Assignment, expected_version: int | None, *, full=True):
    """Lock the assignment's case and read the assignment, in one statement;
    not `full`: only its unit and part, for the unit's own steps."""
    case, assignment = _lock_with_case(
        Assignment.objects.filter(pk=assignment.pk).select_related(
            *(("unit", "part__holder_bureau", "dispatched_by") if full else ("unit", "part"))
        ),
        assignment.case_id,
        expected_version,
        with_case=WITH_CASE if full else (),
    )
    assignment.part.case = case
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
    case, assignment = _lock_assignment(assignment, expected_version, full=False)
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
    assignment.state = workflow.moved("read", "assignment", assignment.state, A.READ)
    assignment.read_by = actor
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
    assignment.state = workflow.moved("instruct", "assignment", assignment.state, A.INSTRUCTED)
    assignment.instruction = instruction
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
    assignment.state = workflow.moved("contribute", "assignment", assignment.state, A.CONTRIBUTED)
    assignment.contribution = text
    assignment.save(update_fields=["state", "contribution"])
    _meet(now, assignment=assignment, kind=Clock.Kind.CONTRIBUTION)
    _save(case)
    lead = assignment.part.assignments.exclude(state=A.WITHDRAWN).get(role=AROLE.LEAD)
    _unit_event(case, "contribute", actor, assignment, now, to=lead.unit.name, text=text)
    return assignment


def _keep_draft_photos(assignment: Assignment, remove) -> list[int]:
    """The ids of the draft's photos the handler keeps; those removed are
    deleted (an id not of this draft is ignored), their files after commit."""
    saved, remove = assignment.reply_draft.get("photos", []), set(remove)
    removed = [pk for pk in saved if pk in remove]
    if removed:
        gone = list(Attachment.objects.filter(pk__in=removed, assignment=assignment, reply=None))
        Attachment.objects.filter(pk__in=[a.pk for a in gone]).delete()
        transaction.on_commit(lambda: [a.file.delete(save=False) for a in gone])
    return [pk for pk in saved if pk not in removed]


DRAFT_FIELDS = (
    "content",
    "remaining_problems",
    "measures",
    "recommend_nonpublication",
    "nonpublication_reason",
)


@transaction.atomic
def save_reply_draft(
    *,
    actor: User,
    assignment: Assignment,
    content: str = "",
    remaining_problems: str = "",
    measures: str = "",
    recommend_nonpublication: bool = False,
    nonpublication_reason: str = "",
    photos=(),
    remove_photos=(),
    expected_version: int | None = None,
) -> Assignment:
    """R8.2: the handler keeps a reply not ready to submit, to come back to
    and go on: nothing leaves the handler and the assignment's state stays;
    photos added are kept with the draft, `remove_photos` (ids) dropped."""
    case, assignment = _unit_action("save_reply_draft", actor, assignment, expected_version)
    now = timezone.now()
    kept = _keep_draft_photos(assignment, remove_photos)
    added = attach(case, photos, assignment=assignment)
    assignment.reply_draft = {
        "content": content.strip(),
        "remaining_problems": remaining_problems.strip(),
        "measures": measures.strip(),
        "recommend_nonpublication": bool(recommend_nonpublication),
        "nonpublication_reason": nonpublication_reason.strip(),
        "photos": [*kept, *(a.pk for a in added)],
    }
    assignment.save(update_fields=["reply_draft"])
    _save(case)
    _unit_event(case, "save_reply_draft", actor, assignment, now, photos=len(added))
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
    photos=(),
    remove_photos=(),
    expected_version: int | None = None,
) -> Reply:
    """R8.2: the handler drafts the reply (what was done; for complex
    matters the remaining problems and the measures proposed), with any
    photos, and submits it to the leader; the photos of a saved draft go
    with it. R9: it can recommend that the result not be published, with a
    reason."""
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
    added = attach(case, photos, assignment=assignment, reply=reply)
    kept = _keep_draft_photos(assignment, remove_photos)
    if kept:  # only then: a reply without a saved photo costs no statement more
        Attachment.objects.filter(pk__in=kept, assignment=assignment, reply=None).update(
            reply=reply
        )
    assignment.state = workflow.moved(
        "draft_reply", "assignment", assignment.state, A.AWAITING_APPROVAL
    )
    assignment.reply_draft = {}
    assignment.save(update_fields=["state", "reply_draft"])
    _save(case)
    _unit_event(
        case,
        "draft_reply",
        actor,
        assignment,
        now,
        reply=reply.pk,
        recommend_nonpublication=recommend_nonpublication,
        photos=len(added) + len(kept),
    )
    return reply


@transaction.atomic
def send_back_draft(
    *, actor: User, assignment: Assignment, note: str, expected_version: int | None = None
) -> Assignment:
    """R8.2: the leader in charge does not approve the draft; the handler
    writes it again, starting from the text sent back (its photos stay with
    the reply sent back, which the timeline keeps)."""
    case, assignment = _unit_action("send_back_draft", actor, assignment, expected_version)
    note = _text(note, "note", _("Say what the draft lacks."))
    now = timezone.now()
    reply = assignment.replies.latest("id")
    back = A.REDO if reply.is_redo else A.INSTRUCTED
    assignment.state = workflow.moved("send_back_draft", "assignment", assignment.state, back)
    assignment.reply_draft = {name: getattr(reply, name) for name in DRAFT_FIELDS}
    assignment.save(update_fields=["state", "reply_draft"])
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
    case, reply = _lock_with_case(
        Reply.objects.filter(assignment_id=assignment.pk)
        .select_related("assignment__unit", "assignment__part__holder_bureau")
        .annotate(other_parts=_other_parts("assignment__part"))
        .order_by("-id"),
        assignment.case_id,
        expected_version,
        case_path="assignment__case",
        with_case=("policy",),
    )
    if reply is None:  # never drafted: refused for its state
        _unit_action("approve_reply", actor, assignment, expected_version)
        raise WrongState(_("There is no draft reply to approve."))
    assignment = reply.assignment
    part = assignment.part
    part.case = case
    _check("approve_reply", assignment.state, assignment.role)
    _require(actor, "approve_reply", assignment.unit)
    now = timezone.now()
    reviewing = city_bureau(case) if case.city_final_review else part.holder_bureau
    reply.approved_by, reply.approved_at, reply.reviewing_bureau = actor, now, reviewing
    reply.save(update_fields=["approved_by", "approved_at", "reviewing_bureau"])
    assignment.state = workflow.moved("approve_reply", "assignment", assignment.state, A.SUBMITTED)
    assignment.save(update_fields=["state"])
    _meet(now, assignment=assignment, kind=Clock.Kind.REDO if reply.is_redo else Clock.Kind.REPLY)
    part.state = workflow.moved("approve_reply", "part", part.state, P.REVIEWING)
    part.save(update_fields=["state"])
    _clock(
        case.working_calendar(),
        Clock.Kind.REVIEW,
        case,
        reviewing,
        now,
        case.policy.review_days,
        part=part,
    )
    _refresh_state(case, None if reply.other_parts else [part.state])
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
