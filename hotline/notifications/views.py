import hmac
import json
import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .channels import sign
from .inbound import receive
from .models import CallbackTask, InboundMessage

log = logging.getLogger("hotline.inbound")


@login_required
def notifications(request):
    """The user's notices, newest first; opening the page reads them."""
    items = list(request.user.notifications.select_related("case")[:200])
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "notifications/list.html", {"items": items})


@csrf_exempt
@require_POST
def sms_inbound(request):
    """The SMS gateway's webhook. Same signature scheme as outgoing:
    X-Hotline-Signature: sha256=<hex HMAC-SHA256 of the raw body>.

    {"id": "<gateway message id>", "from": "138…", "text": "…",
     "received_at": "2026-11-26T10:00:00+08:00"}"""
    body = request.body
    secret = settings.SMS_GATEWAY_SECRET
    given = request.headers.get("X-Hotline-Signature", "")
    if not secret or not hmac.compare_digest(given.encode(), sign(secret, body).encode()):
        log.warning(
            "refused an inbound SMS with a bad signature from %s", request.META.get("REMOTE_ADDR")
        )
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        data = json.loads(body)
        external_id, sender, text = data["id"], data["from"], data["text"]
        if not isinstance(external_id, str | int) or not all(
            isinstance(v, str) for v in (sender, text)
        ):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected JSON with id, from and text"}, status=400)
    external_id = str(external_id)
    received_at = _moment(data.get("received_at"))
    message, created = receive(
        channel=InboundMessage.Channel.SMS,
        external_id=external_id,
        sender=sender,
        text=text,
        received_at=received_at,
    )
    return JsonResponse(
        {
            "id": message.pk,
            "duplicate": not created,
            "case": message.case.number if message.case else None,
        },
        status=201 if created else 200,
    )


@login_required
@require_POST
def callback_done(request, pk):
    """An agent has called the requester back and read out the message."""
    from hotline.organisation.acting import current

    acting = current(request)
    if acting is None or acting.role != "agent":
        raise PermissionDenied
    task = get_object_or_404(
        CallbackTask, pk=pk, done_at__isnull=True, message__case__involvements__unit=acting.unit
    )
    task.done_by, task.done_at = request.user, timezone.now()
    task.save(update_fields=["done_by", "done_at"])
    return redirect("queue")


def _moment(value) -> datetime:
    """The gateway's time if it is a sensible one, else now."""
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        return timezone.now()
    return moment if moment.tzinfo else timezone.make_aware(moment)


def unread(request):
    """Template context: how many notices the user has not read."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"unread_notifications": request.user.notifications.filter(read_at__isnull=True).count()}
