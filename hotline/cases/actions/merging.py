"""Merging (N4, 并单): the city bureau merges cases about one matter into a
lead case before the lead is dispatched, and may undo it until then.

A merged case gets no parts, assignments or clocks of its own: it follows
its lead, and the lead's result closes it (review.close_case), each
requester told through their own channel and rating on their own."""

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.organisation.models import Unit, User

from .. import preconditions, workflow
from ..errors import InvalidInput, WrongState
from ..labels import STATE_LABELS
from ..models import Assignment, Case, Event, HandlingMode, Part
from ..workflow import CaseState as C
from .common import (
    REFERENCES,
    _cancel,
    _check,
    _checked_version,
    _event,
    _reach_city_bureau,
    _require_city_bureau,
    _save,
)

LEAD_STATES = (C.SCREENING, C.DISPATCHING)


def handling_mode_of(case: Case) -> str:
    """The handling a case is bound to: the bureau's classification, or
    internal when the requester declined public handling (R6(4)); undecided
    otherwise."""
    if case.handling_mode != HandlingMode.UNDECIDED:
        return case.handling_mode
    return HandlingMode.UNDECIDED if case.disclosure_allowed else HandlingMode.INTERNAL


def modes_clash(a: str, b: str) -> bool:
    """N4: internal and public handling never mix; undecided fits either."""
    return HandlingMode.UNDECIDED not in (a, b) and a != b


def _sent_elsewhere(city_bureau: Unit):
    """Whether a case went to a unit, or to a district bureau, read in the
    locking statement (N4: merge and undo only before dispatch)."""
    return Exists(Assignment.objects.filter(case_id=OuterRef("pk"))) | Exists(
        Part.objects.filter(case_id=OuterRef("pk")).exclude(holder_bureau_id=city_bureau.pk)
    )


def _lock_cases(which: Q, city_bureau: Unit) -> dict[int, Case]:
    """The cases `which` selects, locked in one statement (in id order, so two merges
    of overlapping cases wait for each other instead of deadlocking), each
    with its lead, whether it was sent on, and how many cases follow it."""
    rows = (
        Case.objects.select_for_update(of=("self",))
        .filter(which)
        .select_related("merged_into", "policy")
        .annotate(
            sent_elsewhere=_sent_elsewhere(city_bureau),
            following=Exists(Case.objects.filter(merged_into_id=OuterRef("pk"))),
            accepted=Exists(Part.objects.filter(case_id=OuterRef("pk"))),
            **REFERENCES.beside(),
        )
        .order_by("pk")
    )
    found = {}
    for case in rows:
        case.reference_revisions = REFERENCES.read_beside(case)
        found[case.pk] = case
    return found


def _refuse_lead(lead: Case) -> None:
    if lead.state == C.MERGED:
        raise WrongState(
            _("Case %(number)s is itself merged into %(lead)s: merge into %(lead)s instead.")
            % {"number": lead.number, "lead": lead.merged_into.number}
        )
    if lead.state not in LEAD_STATES or lead.sent_elsewhere:
        raise WrongState(
            _(
                "The lead case %(number)s is at the stage “%(state)s”: cases are merged "
                "only into a case not yet dispatched."
            )
            % {"number": lead.number, "state": STATE_LABELS.get(lead.state, lead.state)}
        )


def _refuse_merged(case: Case, now) -> None:
    if case.state == C.MERGED:
        raise WrongState(
            _("Case %(number)s is already merged into %(lead)s.")
            % {"number": case.number, "lead": case.merged_into.number}
        )
    try:
        _check("merge", case.state)
    except WrongState as refused:
        raise WrongState(
            _("Case %(number)s cannot be merged: %(why)s")
            % {"number": case.number, "why": refused.message}
        ) from None
    preconditions.require("merge", case, case, now)


def _refuse_mix(case: Case, lead: Case) -> None:
    if case.pk == lead.pk:
        raise InvalidInput(_("A case cannot be merged into itself."), field="cases")
    if modes_clash(handling_mode_of(case), handling_mode_of(lead)):
        raise InvalidInput(
            _(
                "Case %(number)s is for internal handling and %(lead)s for public handling, "
                "or the other way round: they cannot be merged."
            )
            % {"number": case.number, "lead": lead.number},
            field="cases",
        )


@transaction.atomic
def merge_cases(
    *,
    actor: User,
    lead: Case | None,
    cases: list[Case],
    expected_version: int | None = None,
    expected_versions: dict[int, int] | None = None,
) -> Case:
    """N4: merge `cases` into `lead`: they stop their own clocks and follow
    the lead, whose dispatch, handling and reply are theirs. Each side's
    history records it. `expected_version` is the lead's; `expected_versions`
    the merged cases' by id, where the caller saw them (the workbench's
    "merge into another case" on a case's own page). `lead` None: the
    number given found no case, refused once the cases are checked."""
    bureau = _require_city_bureau(actor, "merge")
    ids = list(dict.fromkeys(c.pk for c in cases))
    if not ids:
        raise InvalidInput(_("Choose the cases to merge into this one."), field="cases")
    locked = _lock_cases(Q(pk__in=[*ids, *([lead.pk] if lead else [])]), bureau)
    for pk, version in (expected_versions or {}).items():
        _checked_version(locked[pk], version)
    now = timezone.now()
    merged = [locked[pk] for pk in ids]
    for case in merged:
        _refuse_merged(case, now)
    if lead is None:
        raise InvalidInput(_("No case has this number."), field="lead")
    lead = _checked_version(locked[lead.pk], expected_version)
    for case in merged:
        _refuse_mix(case, lead)
    _refuse_lead(lead)
    for case in merged:
        workflow.moved("merge", "case", case.state, C.MERGED)
    Case.objects.filter(pk__in=ids).update(
        state=C.MERGED, merged_into=lead, merged_at=now, merged_by=actor, version=F("version") + 1
    )
    _save(lead)
    _cancel(now, case_id__in=ids)
    Event.objects.bulk_create(
        [
            *(_event(c, "merge", actor, bureau, now, save=False, into=lead.number) for c in merged),
            _event(
                lead, "merged_in", actor, bureau, now, save=False, cases=[c.number for c in merged]
            ),
        ]
    )
    return lead


@transaction.atomic
def unmerge_case(*, actor: User, case: Case, expected_version: int | None = None) -> Case:
    """N4: undo a merge before the lead is dispatched: the case goes back
    to where it was (screening, or to dispatch once accepted) on a fresh
    dispatch clock of the city bureau (R7)."""
    bureau = _require_city_bureau(actor, "unmerge")
    # The case and the lead it follows now, whatever the caller's copy says.
    lead_now = Subquery(Case.objects.filter(pk=case.pk).values("merged_into_id")[:1])
    locked = _lock_cases(Q(pk=case.pk) | Q(pk=lead_now), bureau)
    case = _checked_version(locked[case.pk], expected_version)
    _check("unmerge", case.state)
    lead = locked[case.merged_into_id]
    case.merged_into = lead
    now = timezone.now()
    preconditions.require("unmerge", case, case, now)
    back = C.DISPATCHING if case.accepted else C.SCREENING
    case.state = workflow.moved("unmerge", "case", case.state, back)
    case.merged_into, case.merged_at, case.merged_by = None, None, None
    _save(case, "state", "merged_into", "merged_at", "merged_by")
    _save(lead)
    _reach_city_bureau(case, case.working_calendar(), now, bureau)
    Event.objects.bulk_create(
        [
            _event(case, "unmerge", actor, bureau, now, save=False, lead=lead.number),
            _event(lead, "unmerged_out", actor, bureau, now, save=False, merged=case.number),
        ]
    )
    return case


def merged_requests(lead: Case):
    """The cases following `lead`, in the order they came in, with their
    requesters (the lead's page lists each one's words)."""
    return lead.merged_cases.select_related("requester").order_by("received_at", "pk")
