"""Delivering the outbox: at least once, with backoff, and safe to crash.

A worker leases a message (status "sending", leased_until), sends it, then
marks it sent. If the worker dies in between, the lease runs out and the
message is sent again with the same key; the SMS gateway drops the repeat."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .channels import ChannelError, channel
from .models import Message

log = logging.getLogger("hotline.outbox")

# Minutes to wait after each failed attempt; after the last, the message is
# marked failed and shown on its case.
BACKOFF_MINUTES = [1, 2, 5, 15, 30, 60, 120]


def due(now=None):
    now = now or timezone.now()
    return Message.objects.filter(
        Q(status=Message.Status.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        | Q(status=Message.Status.SENDING, leased_until__lt=now)
    )


def _lease(pk: int) -> Message | None:
    now = timezone.now()
    with transaction.atomic():
        message = due(now).filter(pk=pk).select_for_update(skip_locked=True).first()
        if message is None:
            return None
        message.status = Message.Status.SENDING
        message.attempts += 1
        message.leased_until = now + timedelta(seconds=settings.HOTLINE_OUTBOX_LEASE_SECONDS)
        message.save(update_fields=["status", "attempts", "leased_until"])
    return message


def deliver(pk: int) -> str | None:
    """Send one message if it is due and no one else is sending it."""
    message = _lease(pk)
    if message is None:
        return None
    # Only the worker whose lease this is may settle the message: one whose
    # send outlived its lease finds the message taken and leaves it alone.
    mine = Message.objects.filter(pk=pk, status=Message.Status.SENDING, attempts=message.attempts)
    try:
        channel(message.channel).send(message)
    except Exception as error:  # any failure of a channel is a failed attempt
        if not isinstance(error, ChannelError):
            log.exception("sending message %s failed", pk)
        failed_for_good = message.attempts > len(BACKOFF_MINUTES)
        mine.update(
            status=Message.Status.FAILED if failed_for_good else Message.Status.PENDING,
            last_error=f"{type(error).__name__}: {error}"[:1000],
            leased_until=None,
            next_attempt_at=None
            if failed_for_good
            else timezone.now() + timedelta(minutes=BACKOFF_MINUTES[message.attempts - 1]),
        )
        return "failed" if failed_for_good else "retry"
    mine.update(
        status=Message.Status.SENT, sent_at=timezone.now(), leased_until=None, last_error=""
    )
    return "sent"


def deliver_due(limit: int = 500) -> int:
    """Every message now due: new ones whose enqueue was lost, retries whose
    wait is over, and leases of dead workers."""
    sent = 0
    for pk in list(due().order_by("id").values_list("pk", flat=True)[:limit]):
        try:
            sent += deliver(pk) == "sent"
        except Exception:  # one bad message must not stop the others
            log.exception("delivering message %s", pk)
    return sent
