"""The filters staff and the public narrow case lists with. Parsed by a
form, so a malformed value is ignored, never an error page."""

import re
import unicodedata
from datetime import UTC, date, datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from .numbers import case_number
from .privacy import FULL_REQUESTER_ROLES
from .repeats import normalise_phone
from .search import RANK, search

# The dates a period may start or end on: wide enough for any record, narrow
# enough that a day either side, or a time zone's shift, is still a date
# (year 1 and year 9999 were server errors).
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
# A row's id fits a signed 64-bit integer (SQLite and PostgreSQL bigint).
MAX_ID = 2**63 - 1


def in_range(day: date | None) -> bool:
    return day is None or EARLIEST <= day <= LATEST


class CaseFilters(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.CharField(required=False, max_length=30)
    channel = forms.CharField(required=False, max_length=10)
    # Ids within the database's range: a larger one was a server error.
    category = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    district = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    overdue = forms.BooleanField(required=False)
    lapsed = forms.BooleanField(required=False)
    repeat = forms.BooleanField(required=False)
    from_date = forms.DateField(required=False)
    to_date = forms.DateField(required=False)

    def __init__(self, data, *args, **kwargs):
        data = data.copy()
        # "from" and "to" are keywords in Python; the query string keeps them.
        data["from_date"], data["to_date"] = data.get("from", ""), data.get("to", "")
        super().__init__(data, *args, **kwargs)

    def _clean_day(self, name):
        day = self.cleaned_data.get(name)
        if not in_range(day):
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
            )
        return day

    def clean_from_date(self):
        return self._clean_day("from_date")

    def clean_to_date(self):
        return self._clean_day("to_date")

    def values(self) -> dict:
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


# What a phone number may be written with besides digits (after NFKC, so
# full-width forms count too): "+86 138-0591 2345", "(0591) 8765 4321".
_PHONE_SPELLING = re.compile(r"[\d\s+\-().]+")


def personal_matches(cases, query: str, role: str | None):
    """The cases of `cases` that `query` names by number, or, for a role
    that sees requesters in full (privacy.py), by the requester's phone in
    any spelling or their name; None when it names none that way. One query
    of the ids: each way by its own index (an OR across the two tables
    would read them whole)."""
    wanted = []
    number = case_number(query)
    if number:
        wanted.append(Q(number=number))
    if role in FULL_REQUESTER_ROLES:
        spelled = unicodedata.normalize("NFKC", query).strip()
        phone = normalise_phone(spelled) if _PHONE_SPELLING.fullmatch(spelled) else ""
        if phone:
            wanted.append(Q(requester__phone=phone))
        elif spelled:
            wanted.append(Q(requester__name=spelled))
    if not wanted:
        return None
    first, *others = (cases.filter(q).order_by().values_list("pk", flat=True) for q in wanted)
    return first.union(*others) if others else first


def apply(cases, get, *, date_field="received_at", role=None):
    """Narrow `cases` by the valid filters in the query string `get`. Staff
    pass the `role` they act in, so that the search also finds cases by
    number, and by the requester's phone and name where the role may see
    them; the public pass none."""
    f = CaseFilters(get).values()
    if "status" in f:
        cases = cases.filter(state=f["status"])
    if "channel" in f:
        cases = cases.filter(channel=f["channel"])
    if "category" in f:
        cases = cases.filter(category_id=f["category"])
    if "district" in f:
        cases = cases.filter(involvements__unit__district_id=f["district"]).distinct()
    for flag in ("overdue", "lapsed", "repeat"):
        if f.get(flag):
            cases = cases.filter(**{f"flag_{flag}": True})
    if "from_date" in f:
        cases = cases.filter(**{f"{date_field}__date__gte": f["from_date"]})
    if "to_date" in f:
        cases = cases.filter(**{f"{date_field}__date__lte": f["to_date"]})
    if "q" in f:
        first = personal_matches(cases, f["q"], role) if role else None
        cases = search(cases, f["q"], first=first)
    return cases


def newest_first(cases, field: str):
    """Searched cases best match first (hotline.cases.search), then every
    list newest first."""
    order = [f"-{field}", "-id"]
    if RANK in cases.query.annotations:
        order.insert(0, f"-{RANK}")
    return cases.order_by(*order)


def marker(case, field: str) -> str:
    """Where the next page of newest_first() starts: "<timestamp>_<id>",
    after the rank "<rank>_" when searched."""
    at = f"{getattr(case, field).isoformat()}_{case.pk}"
    rank = getattr(case, RANK, None)
    return at if rank is None else f"{rank}_{at}"


def before(cases, value: str | None, field: str):
    """Keyset paging: the cases after a marker() in newest_first() order."""
    if not value or "_" not in value:
        return cases
    parts = value.split("_")
    ranked = RANK in cases.query.annotations
    try:
        rank = int(parts[0]) if len(parts) == 3 and ranked else None
        moment: datetime | None = parse_datetime(parts[-2])
        key = int(parts[-1])
    except (ValueError, TypeError):
        return cases
    if len(parts) not in (2, 3) or ranked != (rank is not None):
        return cases
    if moment is None or not -MAX_ID <= key <= MAX_ID or not -MAX_ID <= (rank or 0) <= MAX_ID:
        return cases
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        moment.astimezone(UTC)  # as the database will be asked
    except (OverflowError, ValueError):
        return cases
    if not in_range(moment.date()):
        return cases
    older = Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "id__lt": key})
    if rank is None:
        return cases.filter(older)
    return cases.filter(Q(**{f"{RANK}__lt": rank}) | Q(older, **{RANK: rank}))


def whole_number(value, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value), low), high)
    except (TypeError, ValueError):
        return default


def month(value):
    """ "2026-11" as the first day of that month, else None (also for a
    month outside EARLIEST to LATEST)."""
    try:
        year, number = (int(part) for part in str(value).split("-")[:2])
        first = date(year, number, 1)
    except (TypeError, ValueError, OverflowError):
        return None
    return first if in_range(first) else None
