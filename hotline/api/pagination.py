"""Cursor pagination by keyset: a page continues after the last row of the
one before, on (ordering field, id), or on id alone. No count and no
offset, so page 10,000 of a million cases costs what page 1 does."""

import base64
import binascii
from datetime import UTC

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from .problems import Problem, field_error

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _encode(row, field: str) -> str:
    raw = str(row.pk) if field == "id" else f"{getattr(row, field).isoformat()}|{row.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, field: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if field == "id":
            return None, int(raw)
        stamp, pk = raw.rsplit("|", 1)
        moment = parse_datetime(stamp)
        if moment is None or moment.utcoffset() is None:
            raise ValueError
        # A forged one may lie beyond the calendar once in UTC (as stored).
        return moment.astimezone(UTC), int(pk)
    except (ValueError, OverflowError, UnicodeDecodeError, binascii.Error):
        raise Problem(
            "validation_error", errors=[field_error("cursor", "This cursor is not valid.")]
        ) from None


def _after(field: str, moment, pk: int, descending: bool) -> Q:
    way = "lt" if descending else "gt"
    if field == "id":
        return Q(**{f"id__{way}": pk})
    # The bound on the field alone lets the database start the index scan
    # at the cursor (an OR of the two conditions would scan from the top).
    return Q(**{f"{field}__{way}e": moment}) & (
        Q(**{f"{field}__{way}": moment}) | Q(**{f"id__{way}": pk})
    )


def page(queryset, *, order: str, cursor: str | None, limit: int):
    """One page of `queryset` ordered by `order` ("field" or "-field": a
    datetime, then id; or "id"/"-id"), and the next page's cursor (None at
    the end)."""
    field = order.lstrip("-")
    descending = order.startswith("-")
    if cursor:
        moment, pk = _decode(cursor, field)
        queryset = queryset.filter(_after(field, moment, pk, descending))
    sign = "-" if descending else ""
    ordering = [f"{sign}id"] if field == "id" else [f"{sign}{field}", f"{sign}id"]
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    following = None
    if len(rows) > limit:
        rows = rows[:limit]
        following = _encode(rows[-1], field)
    return rows, following
