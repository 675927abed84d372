"""Dispatch suggestions for a text ("按历史件推荐"): the categories and the
units the city's closed cases suggest, for a bureau's dispatcher (a staff
session acting as one, or a token allowed to dispatch). A POST, as the text
may be long and personal; it reads and changes nothing, so it needs no
Idempotency-Key."""

from django.utils.translation import gettext as _
from ninja import Field, Schema

from hotline.cases.suggestions import suggest
from hotline.organisation.models import Role, Unit

from .auth import caller
from .endpoints_reads import router
from .problems import Problem
from .schemas import NO_NUL

DISPATCHING = ("dispatch", "dispatch_part")


class SuggestIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000, pattern=NO_NUL)
    location: str = Field("", max_length=200, pattern=NO_NUL)


class RankedOut(Schema):
    id: int
    code: str | None = Field(None, description="A category's code.")
    name: str
    score: float = Field(..., description="The model's probability, 0–1.")


class SuggestionsOut(Schema):
    categories: list[RankedOut]
    units: list[RankedOut] = Field(..., description="Units the caller's bureau dispatches to.")


@router.post(
    "/suggestions",
    response=SuggestionsOut,
    summary="Categories and units suggested from past cases",
    tags=["reads"],
    operation_id="suggest",
)
def suggestions(request, payload: SuggestIn):
    """Best first; both lists are empty until a model has been trained
    (nightly, or `manage.py train_suggestions`)."""
    who = caller(request)
    if who.token is not None and not any(who.token.allows(a) for a in DISPATCHING):
        raise Problem(
            "action_not_allowed",
            _("This token may not take the action “%(action)s”.") % {"action": "dispatch"},
        )
    if who.role != Role.DISPATCHER:
        raise Problem("not_allowed")
    found = suggest(
        payload.text,
        payload.location,
        units=Unit.objects.filter(parent=who.unit, is_active=True),
    )
    return {
        "categories": [
            {"id": s.item.pk, "code": s.item.code, "name": s.item.name, "score": s.score}
            for s in found.categories
        ],
        "units": [{"id": s.item.pk, "name": s.item.name, "score": s.score} for s in found.units],
    }
