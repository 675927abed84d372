"""Dispatch suggestions learned from the city's history ("按历史件推荐"):
trained on closed cases by the worker nightly and by `manage.py
train_suggestions`, stored as a SuggestionModel row, loaded by each process
and loaded again when a newer one has been trained. The learning itself is
hotline.cases.learning (pure)."""

import logging
import threading
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from . import learning
from .masking import mask
from .models import Assignment, Case, Category, SuggestionModel
from .search import index_text
from .workflow import AssignmentState, CaseState

# The newest closed cases learned from: a city's last few years are its
# present practice; older ones only slow the training.
MAX_CASES = 2_000_000
# Older models kept beside the newest, to compare or fall back on by hand.
KEEP = 2
TOP = 3
# Ranked before the inactive and the other bureaus' units are left out.
DEPTH = 50

_lock = threading.Lock()
_loaded: tuple[int, learning.Model | None] | None = None
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suggestion:
    item: object  # a Category or a Unit
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass(frozen=True)
class Suggestions:
    categories: list[Suggestion]
    units: list[Suggestion]

    def __bool__(self):
        return bool(self.categories or self.units)


NONE = Suggestions([], [])


def history(limit: int = MAX_CASES):
    """(tokens, category id, unit id) of the newest closed cases: the unit is
    the one that handled the case alone or led it, the last dispatched if
    it was dispatched again."""
    handler = (
        Assignment.objects.filter(
            case=OuterRef("pk"),
            role__in=(Assignment.AssignmentRole.SOLE, Assignment.AssignmentRole.LEAD),
        )
        .exclude(state=AssignmentState.WITHDRAWN)
        .order_by("-dispatched_at", "-id")
        .values("unit_id")[:1]
    )
    return (
        Case.objects.filter(state=CaseState.CLOSED)
        .exclude(search_text="")
        .annotate(handler=Subquery(handler))
        .order_by("-received_at")
        .values_list("search_text", "category_id", "handler")[:limit]
        .iterator(chunk_size=20_000)
    )


def train_suggestions(limit: int = MAX_CASES) -> SuggestionModel | None:
    """A new model from the closed cases; None when there are too few
    categories and units to choose between."""
    words, categories, units = [], [], []
    for text, category, unit in history(limit):
        words.append(text)
        categories.append(category)
        units.append(unit)
    try:
        model = learning.train(words, categories, units)
    except ValueError:
        return None
    row = SuggestionModel.objects.create(
        trained_at=timezone.now(),
        cases=model.metadata["cases"],
        seconds=model.metadata["seconds"],
        metadata=model.metadata,
        data=model.dumps(),
    )
    older = SuggestionModel.objects.exclude(pk=row.pk).values_list("pk", flat=True)[KEEP:]
    SuggestionModel.objects.filter(pk__in=list(older)).delete()
    return row


def current_model() -> learning.Model | None:
    """The newest model, loaded once per process and again when a newer one
    is trained (one indexed read to find out)."""
    global _loaded
    newest = SuggestionModel.objects.values_list("pk", flat=True).first()
    if newest is None:
        return None
    loaded = _loaded
    if loaded is not None and loaded[0] == newest:
        return loaded[1]
    with _lock:
        if _loaded is None or _loaded[0] != newest:
            data = SuggestionModel.objects.filter(pk=newest).values_list("data", flat=True).first()
            if data is None:  # deleted meanwhile by a newer training
                return _loaded[1] if _loaded else None
            try:
                model = learning.loads(bytes(data))
            except Exception:  # a damaged row: no suggestions, not a failed screen
                logger.exception("Suggestion model %s cannot be loaded", newest)
                model = None
            _loaded = (newest, model)
        return _loaded[1]


def suggest(text: str, location: str = "", *, units=None, top: int = TOP) -> Suggestions:
    """The categories and units the history suggests for a text, best first,
    with the model's probability; empty when no model has been trained.
    `units`: a queryset the units must be in (the bureau's own)."""
    from hotline.organisation.models import Unit

    model = current_model()
    if model is None or not (text or "").strip():
        return NONE
    # Masked and segmented as the cases it learned from were.
    words = index_text(mask(text or ""), mask(location or ""))
    ranked_categories, ranked_units = model.rank(words, top=DEPTH)
    found_categories = Category.objects.in_bulk(
        [r.label for r in ranked_categories], field_name="pk"
    )
    allowed = (units if units is not None else Unit.objects).filter(
        pk__in=[r.label for r in ranked_units], is_active=True
    )
    found_units = {u.pk: u for u in allowed}
    return Suggestions(
        categories=[
            Suggestion(found_categories[r.label], r.score)
            for r in ranked_categories
            if r.label in found_categories and found_categories[r.label].is_active
        ][:top],
        units=[
            Suggestion(found_units[r.label], r.score)
            for r in ranked_units
            if r.label in found_units
        ][:top],
    )
