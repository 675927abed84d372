"""Early warnings (N10) through the API: the list, for the city bureau's
dispatchers and the efficiency office's supervisors (tokens or sessions),
and acknowledging one with a note."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Path, Query, Schema

from hotline.cases.publication import mask
from hotline.supervision.early_warnings import acknowledge_early_warning
from hotline.supervision.models import EarlyWarning
from hotline.supervision.warning_views import watching

from . import idempotency, pagination
from .auth import caller
from .endpoints_reads import router, visible
from .problems import Problem, field_error
from .renderers import json_response
from .schemas import MAX_ID, NO_NUL

WarningId = Path(..., ge=1, le=MAX_ID)


class EarlyWarningOut(Schema):
    id: int
    kind: Literal[tuple(EarlyWarning.Kind.values)]  # type: ignore[valid-type]
    about: str = Field(..., description="The matter, place or person (masked) in words.")
    raised_at: datetime
    updated_at: datetime = Field(..., description="When the last case joined it.")
    cases: list[str] = Field(..., description="The numbers of its cases the caller may see.")
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledgement: str
    follow_up_at: datetime | None = Field(..., description="Marked for planned follow-up.")


class EarlyWarningQuery(Schema):
    cursor: str = Field(None, max_length=200)
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)
    acknowledged: bool = None


class EarlyWarningPage(Schema):
    items: list[EarlyWarningOut]
    next_cursor: str | None


def _watcher(request):
    who = caller(request)
    if not watching(who):
        raise Problem("not_allowed")
    return who


def _out(w: EarlyWarning, request, who) -> dict:
    words = (lambda text: text) if who.sees_requester else mask
    return {
        "id": w.pk,
        "kind": w.kind,
        "about": w.about,
        "raised_at": w.raised_at,
        "updated_at": w.updated_at,
        "cases": list(
            w.cases.filter(pk__in=visible(request))
            .order_by("received_at", "id")
            .values_list("number", flat=True)
        ),
        "acknowledged_at": w.acknowledged_at,
        "acknowledged_by": w.acknowledged_by.name if w.acknowledged_by else None,
        "acknowledgement": words(w.acknowledgement),
        "follow_up_at": w.follow_up_at,
    }


@router.get(
    "/early-warnings",
    response=EarlyWarningPage,
    summary="Early warnings: clusters, repeat askers, watch words (N10)",
)
def list_early_warnings(request, query: Query[EarlyWarningQuery]):
    """Newest first; `acknowledged=false` for those not yet acknowledged."""
    who = _watcher(request)
    rows = EarlyWarning.objects.select_related("acknowledged_by")
    if query.acknowledged is not None:
        rows = rows.filter(acknowledged_at__isnull=not query.acknowledged)
    page, following = pagination.page(rows, order="-id", cursor=query.cursor, limit=query.limit)
    return {"items": [_out(w, request, who) for w in page], "next_cursor": following}


class AcknowledgeIn(Schema):
    note: str = Field(..., min_length=1, max_length=2000, pattern=NO_NUL)


@router.post(
    "/early-warnings/{warning_id}/acknowledge",
    response=EarlyWarningOut,
    summary="Acknowledge an early warning with a note (N10)",
    tags=["actions"],
    operation_id="acknowledge_early_warning",
)
def acknowledge(request, payload: AcknowledgeIn, warning_id: int = WarningId):
    who = _watcher(request)
    who.may("acknowledge_early_warning")
    warning = EarlyWarning.objects.filter(pk=warning_id).first()
    if warning is None:
        raise Http404

    def respond():
        try:
            done = acknowledge_early_warning(actor=who.user, warning=warning, note=payload.note)
        except PermissionDenied:
            raise Problem("not_allowed") from None
        except ValidationError as error:
            message = " ".join(error.messages)
            raise Problem("invalid_input", message, errors=[field_error("note", message)]) from None
        fresh = EarlyWarning.objects.select_related("acknowledged_by").get(pk=done.pk)
        return json_response(EarlyWarningOut.model_validate(_out(fresh, request, who)).model_dump())

    return idempotency.once(request, who.owner, respond)
