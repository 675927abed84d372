"""Escalation, rating and redo (R8.8, D9)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.notifications.outbox import notify
from hotline.organisation.models import Role, Unit, User

from .. import preconditions, workflow
from ..changes import touch
from ..errors import InvalidInput, WrongState
from ..models import (
    Case,
    Escalation,
    Event,
)
from ..workflow import AssignmentState as A
from ..workflow import CaseState as C
from .common import (
    AROLE,
    SATISFACTION,
    _check,
    _event,
    _involve,
    _lock,
    _require,
    _require_city_bureau,
    _save,
    _start_redo,
    _text,
)

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
        raise InvalidInput(_("Escalations go to the general offices."), field="main_recipient")
    if not copy_recipients or main_recipient in copy_recipients:
        raise InvalidInput(
            _("Copy the escalation to the other general office."), field="copy_recipients"
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
    if satisfaction == "dissatisfied" and case.answered_with_id is not None:
        _tell_article_unit(case)
    return case


def _tell_article_unit(case: Case) -> None:
    """N3: a dissatisfied rating of a direct answer goes to the unit that
    keeps the article, whose answer the requester found wanting."""
    version = case.answered_with
    unit = version.article.unit
    keepers = User.objects.filter(
        role_grants__unit=unit, role_grants__role__in=(Role.HANDLER, Role.LEADER)
    ).distinct()
    notify(
        keepers,
        case,
        _(
            "The requester of %(number)s was dissatisfied with the direct answer from the "
            "article “%(title)s”: please review the article."
        )
        % {"number": case.number, "title": version.title},
    )


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
        _start_redo("reopen", case, part, assignment, now)
        part.save(update_fields=["state"])
    previous = {"satisfaction": case.satisfaction, "comment": case.rating_comment}
    case.state = workflow.moved("reopen", "case", case.state, C.HANDLING)
    case.published = False
    # The rating was of the old result; the requester rates the new one.
    touch(case.rated_at)
    case.satisfaction, case.rating_comment, case.rated_at = "", "", None
    _save(case, "state", "published", "satisfaction", "rating_comment", "rated_at")
    _event(case, "reopen", actor, bureau, now, reasons=reasons, previous_rating=previous)
    _reopen_followers(case, actor, bureau, now)
    return case


def _reopen_followers(lead: Case, actor: User, bureau: Unit, now) -> None:
    """N4: the cases merged into a lead follow it into its redo: their
    result is taken back, unpublished, and each requester rates the new one
    when the lead's new result closes them again."""
    followers = list(
        Case.objects.filter(merged_into=lead, state=C.CLOSED).values_list("pk", "rated_at")
    )
    if not followers:
        return
    for _pk, _rated in followers:
        workflow.moved("reopen", "case", C.CLOSED, C.MERGED)
    touch(*(rated for _pk, rated in followers))
    Case.objects.filter(pk__in=[pk for pk, _rated in followers]).update(
        state=C.MERGED,
        published=False,
        satisfaction="",
        rating_comment="",
        rated_at=None,
        version=F("version") + 1,
    )
    Event.objects.bulk_create(
        [
            Event(
                case_id=pk,
                action="reopen",
                actor=actor,
                actor_unit=bureau,
                at=now,
                details={"lead": lead.number},
            )
            for pk, _rated in followers
        ]
    )
