"""The knowledge base's verbs (N2), one per step of workflow.STEPS.

A handler of the responsible unit drafts a version, its leader in charge
approves it, and the city petition bureau's reviewer publishes it, as
replies go (R8.2, R9). Each verb runs in one transaction: it locks the
article, checks the step and the actor's role, changes the rows, appends
the ArticleEvent and tells the next actor in the same transaction.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.cases.actions import city_bureau
from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.models import Category, Reply
from hotline.cases.publication import mask_for
from hotline.cases.replies import reply_text
from hotline.notifications.outbox import notify
from hotline.organisation.models import Role, RoleGrant, Unit, User
from hotline.policy.models import Policy

from . import workflow
from .labels import state_label
from .models import Article, ArticleEvent, ArticleVersion
from .search import article_index_text
from .workflow import Actor
from .workflow import VersionState as V

ROLE = {Actor.HANDLER: Role.HANDLER, Actor.LEADER: Role.LEADER, Actor.REVIEWER: Role.REVIEWER}
# Versions still on their way to publication: an article has at most one.
OPEN = (V.DRAFT, V.AWAITING_APPROVAL, V.AWAITING_REVIEW)
UNIT_STAFF = (Role.HANDLER, Role.LEADER)
TITLE_MAX = ArticleVersion._meta.get_field("title").max_length
KEYWORDS_MAX = ArticleVersion._meta.get_field("keywords").max_length
# A proposed article's title: the case's first sentence, this long at most.
PROPOSED_TITLE_CHARS = 40
SENTENCE_END = re.compile(r"[。！？!?\n]")


@dataclass(frozen=True)
class ArticleText:
    """What a version says, as a form or a spreadsheet row gives it."""

    title: str
    question: str
    answer: str
    effective_on: date | None
    review_by: date | None
    keywords: str = ""
    category: Category | None = None


# Helpers ------------------------------------------------------------------


def _moved(action: str, state: str | None) -> V:
    try:
        return workflow.moved(action, state)
    except workflow.NotAllowed:
        raise WrongState(
            _("This cannot be done now: the version is at the stage “%(state)s”.")
            % {"state": state_label(state) if state else "—"}
        ) from None


def _role_unit(action: str, unit: Unit) -> tuple[str, Unit]:
    """The role the step needs and the unit it is held in: the responsible
    unit's handler or leader, or the city bureau's reviewer."""
    actor = workflow.STEP[action].actor
    return ROLE[actor], (city_bureau() if actor == Actor.REVIEWER else unit)


def may(actor: User | None, action: str, unit: Unit) -> bool:
    role, held_in = _role_unit(action, unit)
    return actor is not None and actor.is_active and (held_in.pk, role) in actor.grants()


def _require(actor: User | None, action: str, unit: Unit) -> None:
    if not may(actor, action, unit):
        role, held_in = _role_unit(action, unit)
        raise NotAllowed(
            _("Only the %(role)s of %(unit)s may do this.")
            % {"role": Role(role).label, "unit": held_in.name}
        )


def _lock(version: ArticleVersion) -> ArticleVersion:
    """The version read again with its article locked: two steps on one
    article wait for each other (two publications would leave two current
    versions)."""
    return (
        ArticleVersion.objects.select_for_update(of=("self", "article"))
        .select_related("article__unit")
        .get(pk=version.pk)
    )


def _event(version: ArticleVersion, action: str, actor, unit, at, note: str = "") -> None:
    ArticleEvent.objects.create(
        article_id=version.article_id,
        version=version,
        action=action,
        actor=actor,
        unit=unit,
        at=at,
        note=note,
    )


def _tell(unit: Unit, roles, text: str, dedupe: str = "") -> None:
    users = [
        g.user
        for g in RoleGrant.objects.filter(unit=unit, role__in=roles).select_related("user")
        if g.user.is_active
    ]
    notify(users, None, text, dedupe)


def _in_words(message, **values) -> str:
    """A notice in the hotline's language, whoever's page wrote it."""
    with translation.override("zh-hans"):
        return str(message) % values


def _checked(text: ArticleText) -> ArticleText:
    """Title, question and answer required; the review-by date after the
    effective date and still ahead (a version renewed is given a new one)."""
    text = replace(
        text,
        title=" ".join(text.title.split()),
        question=text.question.strip(),
        answer=text.answer.strip(),
        keywords=" ".join(text.keywords.replace("，", " ").replace(",", " ").split()),
    )
    if not text.title:
        raise InvalidInput(_("Give the article a title."), field="title")
    if len(text.title) > TITLE_MAX:
        raise InvalidInput(
            _("The title can be at most %(n)s characters.") % {"n": TITLE_MAX}, field="title"
        )
    if not text.question:
        raise InvalidInput(_("Write the question as the public asks it."), field="question")
    if not text.answer:
        raise InvalidInput(_("Write the answer."), field="answer")
    if len(text.keywords) > KEYWORDS_MAX:
        raise InvalidInput(
            _("The keywords can be at most %(n)s characters.") % {"n": KEYWORDS_MAX},
            field="keywords",
        )
    if text.effective_on is None:
        raise InvalidInput(_("Give the date the answer takes effect."), field="effective_on")
    if text.review_by is None:
        raise InvalidInput(_("Give the date the answer is to be reviewed by."), field="review_by")
    if text.review_by <= text.effective_on:
        raise InvalidInput(
            _("The review-by date must come after the effective date."), field="review_by"
        )
    if text.review_by <= timezone.localdate():
        raise InvalidInput(_("The review-by date must be in the future."), field="review_by")
    return text


def _write(version: ArticleVersion, text: ArticleText) -> None:
    version.title = text.title
    version.question = text.question
    version.answer = text.answer
    version.keywords = text.keywords
    version.category = text.category
    version.effective_on = text.effective_on
    version.review_by = text.review_by


def _new_version(article, number, state, text, actor, now, source_reply=None) -> ArticleVersion:
    version = ArticleVersion(
        article=article,
        number=number,
        state=state,
        drafted_by=actor,
        drafted_at=now,
        source_reply=source_reply,
    )
    _write(version, text)
    version.search_text = article_index_text(version)
    version.save()
    return version


def default_review_by(effective_on: date) -> date:
    """The review-by date a new article is first offered (the policy's)."""
    try:
        return effective_on + timedelta(days=Policy.in_force(timezone.now()).article_valid_days)
    except OverflowError:  # a junk date in a spreadsheet: 9999-12-31
        raise InvalidInput(
            _("The effective date is too far ahead to give a review-by date."),
            field="effective_on",
        ) from None


# The steps ----------------------------------------------------------------


@transaction.atomic
def draft_article(
    *, actor: User, text: ArticleText, unit: Unit | None = None, article: Article | None = None
) -> ArticleVersion:
    """A new article of `unit`, or a new version of `article` (its renewal
    after review is one: a version drafted from it with a new review-by
    date)."""
    if article is not None:
        article = (
            Article.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=article.pk)
        )
        unit = article.unit
    if unit is None:
        raise InvalidInput(_("Choose the responsible unit."), field="unit")
    _require(actor, "draft_article", unit)
    state = _moved("draft_article", None)
    text = _checked(text)
    now = timezone.now()
    number = 1
    if article is None:
        article = Article.objects.create(unit=unit, created_at=now)
    else:
        found = article.versions.aggregate(
            last=Max("number"), open=Max("number", filter=Q(state__in=OPEN))
        )
        if found["open"] is not None:
            raise WrongState(
                _("Version %(number)s of this article is still being prepared: change that one.")
                % {"number": found["open"]}
            )
        number = found["last"] + 1
    version = _new_version(article, number, state, text, actor, now)
    _event(version, "draft_article", actor, unit, now)
    return version


@transaction.atomic
def edit_article(*, actor: User, version: ArticleVersion, text: ArticleText) -> ArticleVersion:
    version = _lock(version)
    unit = version.article.unit
    _require(actor, "edit_article", unit)
    version.state = _moved("edit_article", version.state)
    _write(version, _checked(text))
    version.search_text = article_index_text(version)
    version.save()
    _event(version, "edit_article", actor, unit, timezone.now())
    return version


@transaction.atomic
def submit_article(*, actor: User, version: ArticleVersion) -> ArticleVersion:
    version = _lock(version)
    unit = version.article.unit
    _require(actor, "submit_article", unit)
    version.state = _moved("submit_article", version.state)
    version.save(update_fields=["state"])
    _event(version, "submit_article", actor, unit, timezone.now())
    _tell(
        unit,
        (Role.LEADER,),
        _in_words(
            gettext_lazy("Knowledge base article “%(title)s” awaits your approval."),
            title=version.title,
        ),
    )
    return version


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why, so the handler knows what to change."), field="reason")
    return reason


@transaction.atomic
def send_back_article(*, actor: User, version: ArticleVersion, reason: str) -> ArticleVersion:
    """The leader sends a version back to the handler, saying why."""
    version = _lock(version)
    unit = version.article.unit
    _require(actor, "send_back_article", unit)
    reason = _reason(reason)
    version.state = _moved("send_back_article", version.state)
    version.save(update_fields=["state"])
    _event(version, "send_back_article", actor, unit, timezone.now(), reason)
    _tell(
        unit,
        (Role.HANDLER,),
        _in_words(
            gettext_lazy("Knowledge base article “%(title)s” was sent back: %(reason)s"),
            title=version.title,
            reason=reason,
        ),
    )
    return version


@transaction.atomic
def approve_article(*, actor: User, version: ArticleVersion) -> ArticleVersion:
    version = _lock(version)
    unit = version.article.unit
    _require(actor, "approve_article", unit)
    version.state = _moved("approve_article", version.state)
    now = timezone.now()
    version.approved_by, version.approved_at = actor, now
    version.save(update_fields=["state", "approved_by", "approved_at"])
    _event(version, "approve_article", actor, unit, now)
    _tell(
        city_bureau(),
        (Role.REVIEWER,),
        _in_words(
            gettext_lazy("Knowledge base article “%(title)s” of %(unit)s awaits your review."),
            title=version.title,
            unit=unit.name,
        ),
    )
    return version


@transaction.atomic
def return_article(*, actor: User, version: ArticleVersion, reason: str) -> ArticleVersion:
    """The city bureau returns a version to the unit, saying why; it is a
    draft again and needs the leader's approval once more."""
    version = _lock(version)
    unit = version.article.unit
    _require(actor, "return_article", unit)
    reason = _reason(reason)
    version.state = _moved("return_article", version.state)
    version.approved_by, version.approved_at = None, None
    version.save(update_fields=["state", "approved_by", "approved_at"])
    _event(version, "return_article", actor, city_bureau(), timezone.now(), reason)
    _tell(
        unit,
        UNIT_STAFF,
        _in_words(
            gettext_lazy("The city bureau returned knowledge base article “%(title)s”: %(reason)s"),
            title=version.title,
            reason=reason,
        ),
    )
    return version


@transaction.atomic
def publish_article(*, actor: User, version: ArticleVersion) -> ArticleVersion:
    """The version becomes the article's published one; the one before it
    is kept, superseded, and any case that cited it still reads it."""
    version = _lock(version)
    article = version.article
    unit = article.unit
    _require(actor, "publish_article", unit)
    version.state = _moved("publish_article", version.state)
    today = timezone.localdate()
    if version.review_by < today:
        raise InvalidInput(
            _("Its review-by date has passed: return it to the unit for a new one."),
            field="review_by",
        )
    now = timezone.now()
    bureau = city_bureau()
    previous = article.published_version_id
    if previous is not None:
        before = ArticleVersion.objects.get(pk=previous)
        if version.effective_on > today and before.is_current(today):
            # Superseded now, the version in use would leave the article
            # offered nowhere until this one takes effect.
            raise InvalidInput(
                _(
                    "It takes effect on %(date)s: publish it on that day; until then the "
                    "version in use stays."
                )
                % {"date": version.effective_on.isoformat()},
                field="effective_on",
            )
        before.state = _moved("supersede_article", before.state)
        before.save(update_fields=["state"])
        _event(before, "supersede_article", actor, bureau, now)
    version.reviewed_by, version.reviewed_at = actor, now
    version.search_text = article_index_text(version)
    version.save(update_fields=["state", "reviewed_by", "reviewed_at", "search_text"])
    article.published_version = version
    article.save(update_fields=["published_version"])
    _event(version, "publish_article", actor, bureau, now)
    _tell(
        unit,
        UNIT_STAFF,
        _in_words(
            gettext_lazy("Knowledge base article “%(title)s” is published."), title=version.title
        ),
    )
    return version


@transaction.atomic
def withdraw_article(*, actor: User, version: ArticleVersion, reason: str) -> ArticleVersion:
    """The city bureau takes a published article off the knowledge base."""
    version = _lock(version)
    article = version.article
    unit = article.unit
    _require(actor, "withdraw_article", unit)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the article is withdrawn."), field="reason")
    version.state = _moved("withdraw_article", version.state)
    version.save(update_fields=["state"])
    article.published_version = None
    article.save(update_fields=["published_version"])
    _event(version, "withdraw_article", actor, city_bureau(), timezone.now(), reason)
    _tell(
        unit,
        UNIT_STAFF,
        _in_words(
            gettext_lazy("The city bureau withdrew knowledge base article “%(title)s”: %(reason)s"),
            title=version.title,
            reason=reason,
        ),
    )
    return version


# Proposing, importing, review dates ----------------------------------------


def may_propose(actor: User | None, reply: Reply) -> bool:
    """The reply's unit's handlers and leaders, and the city bureau's
    reviewers, may propose a reply the bureau approved as an article."""
    if actor is None or not actor.is_active or reply.review_decision != "approved":
        return False
    unit_id = reply.assignment.unit_id
    grants = actor.grants()
    return any((unit_id, role) in grants for role in UNIT_STAFF) or (
        (city_bureau().pk, Role.REVIEWER) in grants
    )


@transaction.atomic
def propose_article_from_reply(*, actor: User, reply: Reply) -> ArticleVersion:
    """A draft article in the reply's unit: the question from the case as
    the public would read it, the answer from the reply (both masked), for
    the unit's handler to edit and submit."""
    reply = Reply.objects.select_related(
        "assignment__unit", "assignment__case__requester", "assignment__case__category"
    ).get(pk=reply.pk)
    if reply.review_decision != "approved":
        raise WrongState(_("Only a reply the bureau approved can be proposed as an article."))
    if not may_propose(actor, reply):
        raise NotAllowed(
            _(
                "Only the handlers and leaders of %(unit)s or the city bureau's reviewers "
                "may do this."
            )
            % {"unit": reply.assignment.unit.name}
        )
    case = reply.assignment.case
    unit = reply.assignment.unit
    hide = mask_for(case.requester)
    question = hide(case.content).strip()
    today = timezone.localdate()
    text = ArticleText(
        title=SENTENCE_END.split(question, maxsplit=1)[0][:PROPOSED_TITLE_CHARS],
        question=question,
        answer=hide(reply_text(reply)),
        category=case.category,
        effective_on=today,
        review_by=default_review_by(today),
    )
    text = _checked(text)
    state = _moved("draft_article", None)
    now = timezone.now()
    article = Article.objects.create(unit=unit, created_at=now)
    version = _new_version(article, 1, state, text, actor, now, source_reply=reply)
    _event(version, "propose_article", actor, unit, now, case.number)
    if (unit.pk, Role.HANDLER) not in actor.grants():
        _tell(
            unit,
            (Role.HANDLER,),
            _in_words(
                gettext_lazy(
                    "A reply to case %(number)s was proposed as knowledge base article "
                    "“%(title)s”: please check the draft and submit it."
                ),
                number=case.number,
                title=version.title,
            ),
        )
    return version


def may_import(actor: User | None, unit: Unit, publish: bool) -> bool:
    """The city bureau's reviewers import for any unit, as drafts or
    published; a unit's handlers import their own unit's drafts."""
    if actor is None or not actor.is_active:
        return False
    if may(actor, "import_article", unit):
        return True
    return not publish and may(actor, "draft_article", unit)


@transaction.atomic
def import_article(
    *, actor: User, unit: Unit, text: ArticleText, publish: bool = False
) -> ArticleVersion:
    """One spreadsheet row: a draft with the unit's handler or, when the
    city bureau says the spreadsheet was already approved, published."""
    if not may_import(actor, unit, publish):
        if publish:
            _require(actor, "import_article", unit)
        _require(actor, "draft_article", unit)
    text = _checked(text)
    state = _moved("import_article" if publish else "draft_article", None)
    now = timezone.now()
    article = Article.objects.create(unit=unit, created_at=now)
    version = _new_version(article, 1, state, text, actor, now)
    if publish:
        version.approved_by = version.reviewed_by = actor
        version.approved_at = version.reviewed_at = now
        version.save(update_fields=["approved_by", "approved_at", "reviewed_by", "reviewed_at"])
        article.published_version = version
        article.save(update_fields=["published_version"])
    _event(version, "import_article", actor, unit, now)
    return version


def review_flags():
    """Published versions with whether their unit was told, before and
    after the review-by date."""
    events = ArticleEvent.objects.filter(version=OuterRef("pk"))
    return ArticleVersion.objects.filter(state=V.PUBLISHED).annotate(
        noticed=Exists(events.filter(action="review_notice")),
        reminded=Exists(events.filter(action="review_reminder")),
    )


@transaction.atomic
def flag_due_reviews(*, today: date | None = None) -> tuple[int, int]:
    """N2: a unit is told once, the policy's number of days before, that a
    published article is due for review, and reminded once when the date
    has passed (the search no longer offers it). Returns (notices,
    reminders)."""
    today = today or timezone.localdate()
    days = Policy.in_force(timezone.now()).article_review_notice_days
    due = (
        review_flags()
        .filter(review_by__lte=today + timedelta(days=days))
        .select_related("article__unit")
        .select_for_update(of=("self",))
    )
    now = timezone.now()
    notices = reminders = 0
    for version in due:
        unit = version.article.unit
        values = {"title": version.title, "date": version.review_by.isoformat()}
        if version.review_by < today:
            if version.reminded:
                continue
            action, reminders = "review_reminder", reminders + 1
            text = _in_words(
                gettext_lazy(
                    "Knowledge base article “%(title)s” passed its review date %(date)s and is no "
                    "longer offered for direct answers: renew it."
                ),
                **values,
            )
        elif not version.noticed:
            action, notices = "review_notice", notices + 1
            text = _in_words(
                gettext_lazy("Knowledge base article “%(title)s” is due for review by %(date)s."),
                **values,
            )
        else:
            continue
        _event(version, action, None, unit, now)
        _tell(unit, UNIT_STAFF, text, dedupe=f"{action}:{version.pk}")
    return notices, reminders
