"""`Idempotency-Key` on every POST: the same key and body get the first
answer and the action happens once; the same key with another request is
refused (422); while the first is still running, a retry hears 409.

The key is claimed first, by inserting its row in a transaction of its own,
so of two concurrent requests with one key only one goes on. The action and
the stored answer commit together: a claimed row with no answer therefore
means the action did not happen (or is still running), and once older than
CLAIM_LEASE it may be claimed again. Keys are kept for KEEP_FOR."""

import hashlib
from collections.abc import Callable
from contextlib import nullcontext
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hotline.cases.errors import WorkflowError

from . import problems
from .models import IdempotencyRecord
from .problems import Problem

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP_FOR = timedelta(hours=24)
# Longer than any request may run: a claim this old without an answer was
# left by a request that died before its action committed.
CLAIM_LEASE = timedelta(minutes=5)
MAX_KEY_LENGTH = 255


def _replay(record: IdempotencyRecord) -> HttpResponse:
    reply = HttpResponse(record.response, status=record.status, content_type=record.content_type)
    reply[REPLAYED] = "true"
    return reply


def _claim(owner: str, key: str, fingerprint: dict) -> IdempotencyRecord | HttpResponse:
    """Our fresh claim on the key, or the answer an earlier request gives."""
    now = timezone.now()
    try:
        with _alone():
            return IdempotencyRecord.objects.create(
                owner=owner, key=key, created_at=now, **fingerprint
            )
    except IntegrityError:
        pass
    earlier = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
    if earlier is None:  # expired and removed between the two statements
        return _claim(owner, key, fingerprint)
    if earlier.created_at < now - KEEP_FOR:
        # Kept too long to count: the key is free again. A new key, the
        # usual case, costs no statement for this.
        IdempotencyRecord.objects.filter(pk=earlier.pk, created_at=earlier.created_at).delete()
        return _claim(owner, key, fingerprint)
    if any(getattr(earlier, k) != v for k, v in fingerprint.items()):
        raise Problem("idempotency_key_reused")
    if earlier.status is not None:
        return _replay(earlier)
    taken_over = IdempotencyRecord.objects.filter(
        pk=earlier.pk, status__isnull=True, created_at__lt=now - CLAIM_LEASE
    ).update(created_at=now)
    if not taken_over:
        raise Problem("idempotency_in_progress")
    earlier.created_at = now
    return earlier


def _alone():
    """The claim commits on its own before the action starts. In autocommit,
    as in production, the INSERT is its own transaction and needs no BEGIN
    and COMMIT around it; inside a caller's transaction (a test's), a
    savepoint keeps a duplicate key from breaking it."""
    if connection.in_atomic_block:
        return transaction.atomic()
    return nullcontext()


def _keep(record: IdempotencyRecord, reply: HttpResponse) -> HttpResponse:
    record.status = reply.status_code
    record.response = reply.content.decode()
    record.content_type = reply["Content-Type"]
    record.save(update_fields=["status", "response", "content_type"])
    return reply


def once(request: HttpRequest, owner: str, run: Callable[[], HttpResponse]) -> HttpResponse:
    """Run `run` once for this caller's key; refused actions (4xx) are
    remembered like successes, so a retry cannot act after all."""
    key = request.headers.get(HEADER, "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Problem("idempotency_key_missing")
    fingerprint = {
        "method": request.method,
        "path": request.path[:500],
        "body_hash": hashlib.sha256(request.body).hexdigest(),
    }
    claim = _claim(owner, key, fingerprint)
    if isinstance(claim, HttpResponse):
        return claim
    try:
        with transaction.atomic():
            return _keep(claim, run())
    except (WorkflowError, Problem) as error:
        if isinstance(error, Problem):
            refused = problems.response(request, error.code, error.detail, error.errors)
        else:
            refused = problems.for_workflow_error(request, error)
        return _keep(claim, refused)
    except BaseException:
        # Nothing happened: free the key for a retry.
        claim.delete()
        raise


def forget_expired() -> int:
    return IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()[0]
