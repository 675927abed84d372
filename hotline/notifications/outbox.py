"""Putting messages in the outbox, in the caller's transaction.

Requesters hear back through the channel they used (R3, R5, R6, R9); staff
get in-app notices, and their unit's handler an SMS for new cases and missed
deadlines. Delivery happens after commit (hotline.notifications.delivery)."""

import re

from django.db import transaction

from hotline.reference.revisions import NOT_READ, Reference

from .models import Message, MessageTemplate, StaffNotification

# R3(8): the requester is told to call an emergency line at once, and
# the numbers are given once (issue 15: the reason repeated them).
EMERGENCY_REFUSAL = "属于紧急求助事项。"
EMERGENCY_ADVICE = (
    "如遇紧急情况，请立即拨打110（报警）、119（火警）、120（急救）或122（交通事故）等紧急求助电话。"
)

# The templates as shipped; administrators edit them in the database.
DEFAULT_TEXTS = {
    Message.Kind.ACKNOWLEDGEMENT: (
        "您的诉求已登记，编号{number}，查询码{code}（请妥善保管）。我们将按规定时限办理并答复。"
    ),
    Message.Kind.REFUSAL: "您反映的诉求（编号{number}）不予受理，原因：{reason}。",
    Message.Kind.DECLINED: (
        "您反映的诉求（编号{number}）此前已{count}次按时答复，根据规定不再重复批转办理。"
    ),
    # R6: the exact words of the regulation.
    Message.Kind.INTERNAL_HANDLING: "您所反映的问题已转由{unit}内部办理",
    Message.Kind.RESULT: "您反映的诉求（编号{number}）办理结果：{result} 欢迎评价：{rating_url}",
    Message.Kind.DISPATCHED: "【12345】{unit}：新诉求件{number}，答复期限{due}，请及时查阅办理。",
    Message.Kind.BREACHED: "【12345】{unit}：诉求件{number}的{deadline}时限已超时，请立即处理。",
    # N3: the answer from the knowledge base, with what the requester needs
    # to look the case up and rate it (D9).
    Message.Kind.DIRECT_ANSWER: (
        "您咨询的问题（编号{number}，查询码{code}）答复如下：{result} 欢迎评价：{rating_url}"
    ),
}

# An SMS longer than 70 characters goes in segments of 67, which operators
# join only up to a few and bill one by one: a result message longer than
# five segments is sent by SMS with the reply shortened, and says where the
# whole reply is (the link in the message opens the requester's own case
# page; so does the portal's query with the number and query code). Email,
# fax and the agents' call-back carry the whole reply.
SMS_MAX_CHARS = 5 * 67
SHORTENED = "……（答复全文请点击下方链接查看，或凭编号和查询码在12345网站查询）"

# The channel a requester's message goes back by. A phone case's messages
# become call-back tasks for the agents; web and API cases are answered by
# SMS to the mobile they gave.
REPLY_CHANNEL = {
    "phone": "callback",
    "sms": "sms",
    "fax": "fax",
    "email": "email",
    "web": "sms",
    "api": "sms",
}


# A mainland mobile as stored (hotline.cases.repeats.normalise_phone: ASCII
# digits, no country code): only these can receive an SMS.
MOBILE = re.compile(r"1[3-9][0-9]{9}")


# What a phone caller hears during the call and is sent by SMS afterwards,
# when they gave a mobile: never a call-back.
TOLD_ON_THE_CALL = (Message.Kind.ACKNOWLEDGEMENT, Message.Kind.DIRECT_ANSWER)


def is_mobile(phone: str) -> bool:
    return bool(MOBILE.fullmatch(phone or ""))


def _queue(**fields) -> Message:
    message = Message.objects.create(**fields)
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(pk: int) -> None:
    from .tasks import deliver_message

    deliver_message(pk)


# Administrators edit the templates a few times a year (hotline.reference).
TEMPLATES = Reference(
    "templates", (MessageTemplate,), lambda: {t.kind: t for t in MessageTemplate.objects.all()}
)


def render(kind: str, case=None, **values) -> str:
    """The text of a message of `kind`; a verb that locked `case` read the
    templates' revision beside it."""
    revisions = getattr(case, "reference_revisions", {})
    return TEMPLATES.get(revisions.get(TEMPLATES.name, NOT_READ))[kind].render(**values)


def tell_requester(case, kind: str, **values) -> Message | None:
    """A message to the requester through the original channel.

    A phone call cannot carry the query code afterwards, so a phone case's
    acknowledgement (the case number and query code) goes by SMS to the
    mobile the caller gave; a caller from a landline hears both during the
    call (issue 15). So does a direct answer (N3): the agent has just read
    it out, and the SMS keeps it, with the number and query code to rate."""
    requester = case.requester
    channel = REPLY_CHANNEL[case.channel]
    if case.channel == "phone" and kind in TOLD_ON_THE_CALL:
        if not is_mobile(requester.phone):
            return None
        channel = "sms"
    recipient = requester.email if channel == "email" else requester.phone
    text = render(kind, case, number=case.number, **values)
    if channel == "sms" and "result" in values and len(text) > SMS_MAX_CHARS:
        text = _shortened(kind, case, values)
    return _queue(case=case, kind=kind, channel=channel, recipient=recipient, text=text)


def _shortened(kind, case, values) -> str:
    """The message with as much of the result as fits in SMS_MAX_CHARS."""
    frame = len(render(kind, case, number=case.number, **{**values, "result": ""}))
    room = max(SMS_MAX_CHARS - frame - len(SHORTENED), 0)
    result = values["result"][:room].rstrip() + SHORTENED
    return render(kind, case, number=case.number, **{**values, "result": result})


def tell_unit(unit, case, kind: str, notice: str, **values) -> None:
    """New dispatches and missed deadlines: an in-app notice to the unit's
    handlers and leaders, and an SMS to its first handler with a mobile."""
    from hotline.organisation.models import Role, RoleGrant

    grants = (
        RoleGrant.objects.filter(unit=unit, role__in=(Role.HANDLER, Role.LEADER))
        .select_related("user")
        .order_by("granted_at", "id")
    )
    users = [g.user for g in grants]
    notify(users, case, notice)
    handler = next((g.user for g in grants if g.role == Role.HANDLER and g.user.mobile), None)
    if handler is not None:
        _queue(
            case=case,
            kind=kind,
            channel="sms",
            recipient=handler.mobile,
            text=render(kind, case, number=case.number, unit=unit.name, **values),
        )


def notify(users, case, text: str, dedupe: str = "") -> None:
    """In-app notices; with `dedupe`, at most one per user and reason."""
    StaffNotification.objects.bulk_create(
        [StaffNotification(user=u, case=case, text=text[:300], dedupe=dedupe) for u in users],
        ignore_conflicts=bool(dedupe),
    )
