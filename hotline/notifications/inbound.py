"""Messages from the public arriving by SMS or email.

Each becomes an InboundMessage, unique by the sender's message id (a
gateway that retries makes one row). An SMS from a number with an open case
is threaded into that case (the number is the carrier's, not the sender's
say-so); an email only when it comes from the requester's address and names
the case number, since a From line is easy to forge. The units handling the
case are told. Anything else is a draft in the service center's queue."""

import email
import email.policy
import hashlib
import re
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from hotline.cases.attachments import sniff, stored_name
from hotline.cases.workflow import FINISHED_CASE_STATES

from .models import InboundAttachment, InboundMessage
from .outbox import notify

CASE_NUMBER = re.compile(r"[A-Z]{2}\d{13}")
# What a column cannot keep: PostgreSQL refuses NUL in text, UTF-8 cannot
# encode a lone surrogate (a JSON "\ud800", or an undecodable mail header).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(text: str, limit: int | None = None) -> str:
    """Text as the database can keep it: a message from the public must be
    stored, whatever it holds, or it is lost (a gateway retrying a 500 for
    ever, a mail server bouncing after days)."""
    text = UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)
    return text[:limit] if limit else text


def _message_id(external_id: str) -> str:
    """The sender's id, or its digest when it is longer than the column:
    the same id still makes the same row."""
    external_id = _storable(external_id)
    limit = InboundMessage._meta.get_field("external_id").max_length
    if len(external_id) <= limit:
        return external_id
    return "sha256:" + hashlib.sha256(external_id.encode()).hexdigest()


def _open_case(**requester):
    from hotline.cases.models import Case

    return (
        Case.objects.filter(**{f"requester__{k}": v for k, v in requester.items()})
        .exclude(state__in=FINISHED_CASE_STATES)
        .order_by("-received_at")
        .first()
    )


def _thread(message: InboundMessage) -> None:
    from hotline.cases.models import Event
    from hotline.organisation.models import Role, RoleGrant

    case = message.case
    Event.objects.create(
        case=case,
        action="requester_message",
        at=message.received_at,
        details={"channel": message.channel, "inbound": message.pk, "text": message.text},
    )
    units = case.involvements.values_list("unit", flat=True)
    users = [
        g.user
        for g in RoleGrant.objects.filter(
            unit__in=units, role__in=(Role.HANDLER, Role.DISPATCHER, Role.AGENT)
        ).select_related("user")
    ]
    notify(users, case, f"诉求件{case.number}收到诉求人的新消息：{message.text[:80]}")


def receive(*, channel, external_id, sender, text, received_at=None, subject="", files=()):
    """Store one inbound message; return (message, created)."""
    from hotline.cases.repeats import normalise_phone

    received_at = received_at or timezone.now()
    external_id = _message_id(external_id)
    sender = _storable(sender, InboundMessage._meta.get_field("sender").max_length)
    text, subject = _storable(text), _storable(subject)
    case = None
    if channel == InboundMessage.Channel.SMS:
        sender = normalise_phone(sender) or sender.strip()
        if normalise_phone(sender):
            case = _open_case(phone=sender)
    elif "@" in sender:
        named = CASE_NUMBER.findall(f"{subject} {text}")
        candidate = _open_case(email__iexact=sender)
        if candidate is not None and candidate.number in named:
            case = candidate
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                channel=channel,
                external_id=external_id,
                sender=sender,
                subject=subject[:300],
                text=text,
                received_at=received_at,
                case=case,
            )
            for name, content_type, data in files:
                # Stored under a name of ours with the type its content
                # shows; the sender's name and claimed type are for display.
                InboundAttachment.objects.create(
                    message=message,
                    file=ContentFile(data, name=stored_name(sniff(data[:16]))),
                    name=_storable(name, 200),
                    content_type=_storable(content_type, 100),
                )
            if case is not None:
                _thread(message)
    except IntegrityError:
        return InboundMessage.objects.get(channel=channel, external_id=external_id), False
    return message, True


def _body_text(body) -> str:
    """The body's text; in a charset Python does not know, read as UTF-8
    with what does not decode replaced (the mail is kept either way)."""
    if body is None:
        return ""
    try:
        return body.get_content().strip()
    except (LookupError, UnicodeError):
        return (body.get_payload(decode=True) or b"").decode("utf-8", "replace").strip()


def receive_email(raw: bytes):
    """Parse a mail as the SMTP receiver got it."""
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    body = mail.get_body(preferencelist=("plain", "html"))
    files = [
        (
            part.get_filename() or "attachment",
            part.get_content_type(),
            # a forwarded mail (message/rfc822) has no decoded payload
            part.get_payload(decode=True) or part.as_bytes(),
        )
        for part in mail.iter_attachments()
    ]
    date = mail["Date"]
    received_at = date.datetime if date and getattr(date, "datetime", None) else None
    if isinstance(received_at, datetime) and received_at.tzinfo is None:
        received_at = timezone.make_aware(received_at)
    sender = email.utils.parseaddr(str(mail["From"]))[1]
    external_id = (
        str(mail["Message-ID"] or "").strip() or "sha256:" + hashlib.sha256(raw).hexdigest()
    )
    return receive(
        channel=InboundMessage.Channel.EMAIL,
        external_id=external_id,
        sender=sender,
        subject=str(mail["Subject"] or ""),
        text=_body_text(body),
        received_at=received_at,
        files=files,
    )
