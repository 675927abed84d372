"""The knowledge base article's way to publication (N2): pure Python, no Django.

An article version is drafted by a handler of the responsible unit, approved
by its leader in charge and reviewed by the city petition bureau, which
publishes it, as replies are (R8.2, R9). Each step is one row here: the
verbs in hotline.knowledge.actions look it up before they touch a row.
"""

from dataclasses import dataclass
from enum import StrEnum


class VersionState(StrEnum):
    DRAFT = "draft"  # with the unit's handler (new, or sent back)
    AWAITING_APPROVAL = "awaiting_approval"  # with the unit's leader in charge
    AWAITING_REVIEW = "awaiting_review"  # approved, with the city petition bureau
    PUBLISHED = "published"  # the article's current public version
    SUPERSEDED = "superseded"  # a later version was published
    WITHDRAWN = "withdrawn"  # taken off the knowledge base


class Actor(StrEnum):
    HANDLER = "handler"  # of the responsible unit
    LEADER = "leader"  # of the responsible unit
    REVIEWER = "reviewer"  # of the city petition bureau
    SYSTEM = "system"


@dataclass(frozen=True)
class Step:
    action: str
    sources: tuple[VersionState, ...]
    target: VersionState | None
    actor: Actor


V = VersionState
STEPS: tuple[Step, ...] = (
    Step("draft_article", (), V.DRAFT, Actor.HANDLER),
    Step("edit_article", (V.DRAFT,), None, Actor.HANDLER),
    Step("submit_article", (V.DRAFT,), V.AWAITING_APPROVAL, Actor.HANDLER),
    Step("send_back_article", (V.AWAITING_APPROVAL,), V.DRAFT, Actor.LEADER),
    Step("approve_article", (V.AWAITING_APPROVAL,), V.AWAITING_REVIEW, Actor.LEADER),
    Step("return_article", (V.AWAITING_REVIEW,), V.DRAFT, Actor.REVIEWER),
    Step("publish_article", (V.AWAITING_REVIEW,), V.PUBLISHED, Actor.REVIEWER),
    Step("supersede_article", (V.PUBLISHED,), V.SUPERSEDED, Actor.SYSTEM),
    Step("withdraw_article", (V.PUBLISHED,), V.WITHDRAWN, Actor.REVIEWER),
    # A knowledge base a city kept before (a spreadsheet) was approved
    # there: the city bureau may publish its rows as they are imported.
    Step("import_article", (), V.PUBLISHED, Actor.REVIEWER),
)
STEP = {step.action: step for step in STEPS}


class NotAllowed(Exception):
    pass


def moved(action: str, state: str | None) -> VersionState | None:
    """The state `action` moves a version in `state` to; None when it stays."""
    step = STEP[action]
    if (state is None and step.sources) or (state is not None and state not in step.sources):
        raise NotAllowed(f"{action} from {state}")
    return step.target if step.target is not None else (V(state) if state else None)
