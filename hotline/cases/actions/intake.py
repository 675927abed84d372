"""Intake (R2, R5, D2, N3): the service center registers and forwards, or
answers a consultation directly from the knowledge base; the public submits
online."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.knowledge.models import ArticleVersion
from hotline.notifications.models import Message
from hotline.notifications.outbox import tell_requester
from hotline.organisation.models import Unit, User

from .. import workflow
from ..attachments import attach
from ..errors import InvalidInput, WrongState
from ..models import (
    Case,
    Category,
    Channel,
    Clock,
    Event,
    RequestType,
)
from ..rating import rating_url
from ..request_types import CONSULTATION
from ..workflow import CaseState as C
from .common import (
    ONLINE_CHANNELS,
    SERVICE_CENTER_CHANNELS,
    RequesterDetails,
    _check,
    _clock,
    _event,
    _held_unit,
    _involve,
    _lock,
    _meet,
    _new_case,
    _reach_city_bureau,
    _require,
    _save,
    city_bureau,
)

# Intake (R2, R5, D2) -------------------------------------------------------


@transaction.atomic
def register_case(
    *,
    actor: User,
    channel: str,
    requester: RequesterDetails,
    content: str,
    disclosure_allowed: bool,
    location: str = "",
    category: Category | None = None,
    received_at: datetime | None = None,
    forward: bool = True,
    attachments=(),
    request_type: RequestType | str | None = None,
    hint: ArticleVersion | None = None,
) -> Case:
    """R5: the service center registers a phone, fax, SMS or email case and
    forwards it to the city bureau the same day (D2). `attachments` are
    uploaded files (a scanned fax: PDF or image). `hint`: an article the
    agent found close but not enough (the caller insists, or asks for
    action: N3), kept with the registration for the city bureau to read."""
    _check("register", None)
    center = _held_unit(actor, "register", kind=Unit.Kind.SERVICE_CENTER)
    if channel not in SERVICE_CENTER_CHANNELS:
        raise InvalidInput(
            _("The service center registers phone, fax, SMS and email cases."), field="channel"
        )
    now = timezone.now()
    if hint is not None and not hint.is_current(timezone.localdate(now)):
        raise InvalidInput(
            _("This article is not published or is past its review date; attach a current one.")
        )
    received_at = received_at or now
    if received_at > now:
        raise InvalidInput(_("The time received cannot be in the future."), field="received_at")
    case = _new_case(
        channel=channel,
        requester=requester,
        content=content,
        location=location,
        category=category,
        disclosure_allowed=disclosure_allowed,
        received_at=received_at,
        state=workflow.moved("register", "case", None, C.SCREENING if forward else C.REGISTERED),
        registered_by=actor,
        request_type=request_type,
    )
    calendar = case.working_calendar()
    policy = case.policy
    clocks = [
        _clock(calendar, Clock.Kind.FORWARD, case, center, now, policy.forward_days, save=False)
    ]
    hinted = {} if hint is None else {"hint": hint.pk, "hint_title": hint.title}
    events = [_event(case, "register", actor, center, now, save=False, channel=channel, **hinted)]
    if forward:
        # Registered and forwarded in one go, as the intake page does.
        _check("forward", C.REGISTERED)
        bureau = city_bureau(case)
        clocks[0].met_at = now
        clocks.append(
            _clock(
                calendar, Clock.Kind.DISPATCH, case, bureau, now, policy.dispatch_days, save=False
            )
        )
        events.append(_event(case, "forward", actor, center, now, save=False, to=bureau.name))
    Clock.objects.bulk_create(clocks)
    Event.objects.bulk_create(events)
    _involve(case, center)
    attach(case, attachments)
    return case


@transaction.atomic
def answer_directly(
    *,
    actor: User,
    channel: str,
    requester: RequesterDetails,
    content: str,
    article_version: ArticleVersion,
    disclosure_allowed: bool,
    location: str = "",
    category: Category | None = None,
    received_at: datetime | None = None,
    request_type: RequestType | None = None,
    attachments=(),
) -> Case:
    """N3, R5: the service center answers a consultation on the call from a
    published, current article and closes it at once, citing the article's
    version: registered as any case, typed consultation, never forwarded
    nor dispatched, no clock started. The requester is sent the answer
    through the original channel and may rate it (D9). It is not a handling
    result under R9 (the article was reviewed when it was published), so it
    is not published with the handled cases. `attachments`: as for
    register_case (a fax's scan)."""
    _check("answer_directly", None)
    center = _held_unit(actor, "answer_directly", kind=Unit.Kind.SERVICE_CENTER)
    if channel not in SERVICE_CENTER_CHANNELS:
        raise InvalidInput(
            _("The service center registers phone, fax, SMS and email cases."), field="channel"
        )
    if request_type is not None and not request_type.answers_directly:
        raise InvalidInput(
            _("Only a consultation can be answered directly; register this case as usual."),
            field="request_type",
        )
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise InvalidInput(_("The time received cannot be in the future."), field="received_at")
    # Read again in the transaction: the article may have been withdrawn or
    # renewed since the agent's page offered it.
    version = (
        ArticleVersion.objects.filter(pk=article_version.pk)
        .select_related("article__unit", "category")
        .first()
    )
    if version is None or not version.is_current(timezone.localdate(now)):
        raise WrongState(
            _(
                "This article is not published or is past its review date, so it cannot be "
                "used for a direct answer. Register the case as usual."
            )
        )
    case = _new_case(
        channel=channel,
        requester=requester,
        content=content,
        location=location,
        category=category or version.category,
        disclosure_allowed=disclosure_allowed,
        received_at=received_at,
        state=workflow.moved("answer_directly", "case", None, C.CLOSED),
        registered_by=actor,
        request_type=request_type,
        acknowledge=False,
        unstated=CONSULTATION,
        answered_with=version,
        closed_at=now,
    )
    if not case.request_type.answers_directly:
        # The consultation type itself no longer answers directly (an
        # administrator changed it since this process read the types).
        raise InvalidInput(
            _("Only a consultation can be answered directly; register this case as usual."),
            field="request_type",
        )
    Event.objects.bulk_create(
        [
            _event(case, "register", actor, center, now, save=False, channel=channel),
            _event(
                case,
                "answer_directly",
                actor,
                center,
                now,
                save=False,
                article=version.article_id,
                version=version.number,
                article_version=version.pk,
                title=version.title,
                article_unit=version.article.unit.name,
            ),
        ]
    )
    _involve(case, center)
    attach(case, attachments)
    # None for a landline caller: the agent has read the answer out and
    # tells them the number and query code.
    case.answer_message = tell_requester(
        case,
        Message.Kind.DIRECT_ANSWER,
        code=case.query_code,
        result=case.result,
        rating_url=rating_url(case),
    )
    return case


def _forward(case: Case, actor: User, unit: Unit, now: datetime, calendar) -> None:
    bureau = city_bureau(case)
    _meet(now, case=case, kind=Clock.Kind.FORWARD)
    case.state = workflow.moved("forward", "case", case.state, C.SCREENING)
    _save(case, "state")
    _reach_city_bureau(case, calendar, now, bureau)
    _event(case, "forward", actor, unit, now, to=bureau.name)


@transaction.atomic
def forward_case(*, actor: User, case: Case, expected_version: int | None = None) -> Case:
    """R5: forward a registered case to the city bureau (D2: the same day)."""
    case = _lock(case.pk, expected_version)
    _check("forward", case.state)
    unit = case.clocks.get(kind=Clock.Kind.FORWARD).unit
    _require(actor, "forward", unit)
    _forward(case, actor, unit, timezone.now(), case.working_calendar())
    return case


@transaction.atomic
def submit_online(
    *,
    requester: RequesterDetails,
    content: str,
    disclosure_allowed: bool,
    location: str = "",
    category: Category | None = None,
    channel: str = Channel.WEB,
    attachments=(),
    request_type: RequestType | str | None = None,
) -> Case:
    """R2, R5: a web (or API) case goes straight to the city bureau."""
    _check("submit_online", None)
    if channel not in ONLINE_CHANNELS:
        raise InvalidInput(_("Online submission is by web or API."), field="channel")
    now = timezone.now()
    case = _new_case(
        channel=channel,
        requester=requester,
        content=content,
        location=location,
        category=category,
        disclosure_allowed=disclosure_allowed,
        received_at=now,
        state=workflow.moved("submit_online", "case", None, C.SCREENING),
        registered_by=None,
        request_type=request_type,
    )
    _reach_city_bureau(case, case.working_calendar(), now, city_bureau(case))
    _event(case, "submit_online", None, None, now, channel=channel)
    attach(case, attachments)
    return case
