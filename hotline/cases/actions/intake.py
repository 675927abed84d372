"""Intake (R2, R5, D2): the service center registers and forwards; the public
submits online."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.organisation.models import Unit, User

from .. import workflow
from ..attachments import attach
from ..errors import InvalidInput
from ..models import (
    Case,
    Category,
    Channel,
    Clock,
    Event,
    RequestType,
)
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
) -> Case:
    """R5: the service center registers a phone, fax, SMS or email case and
    forwards it to the city bureau the same day (D2). `attachments` are
    uploaded files (a scanned fax: PDF or image)."""
    _check("register", None)
    center = _held_unit(actor, "register", kind=Unit.Kind.SERVICE_CENTER)
    if channel not in SERVICE_CENTER_CHANNELS:
        raise InvalidInput(
            _("The service center registers phone, fax, SMS and email cases."), field="channel"
        )
    now = timezone.now()
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
    events = [_event(case, "register", actor, center, now, save=False, channel=channel)]
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
