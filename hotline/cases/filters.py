"""The filters staff and the public narrow case lists with. Parsed by a
form, so a malformed value is ignored, never an error page."""

from datetime import datetime

from django import forms
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from .search import search


class CaseFilters(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.CharField(required=False, max_length=30)
    channel = forms.CharField(required=False, max_length=10)
    category = forms.IntegerField(required=False)
    district = forms.IntegerField(required=False)
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

    def values(self) -> dict:
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


def apply(cases, get, *, date_field="received_at"):
    """Narrow `cases` by the valid filters in the query string `get`."""
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
        cases = search(cases, f["q"])
    return cases


def before(cases, value: str | None, field: str):
    """Keyset paging: the cases after the marker "<timestamp>_<id>"."""
    if not value or "_" not in value:
        return cases
    stamp, pk = value.rsplit("_", 1)
    try:
        moment: datetime | None = parse_datetime(stamp)
        key = int(pk)
    except (ValueError, TypeError):
        return cases
    if moment is None:
        return cases
    return cases.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "id__lt": key}))


def whole_number(value, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value), low), high)
    except (TypeError, ValueError):
        return default


def month(value):
    """ "2026-11" as the first day of that month, else None."""
    from datetime import date

    try:
        year, number = (int(part) for part in str(value).split("-")[:2])
        return date(year, number, 1)
    except (TypeError, ValueError):
        return None
