"""Monthly figures for the public statistics page, drawn as SVG bars on
the server (the page needs no JavaScript and no chart library)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from hotline.calendar.workdays import SHANGHAI
from hotline.cases.models import Case, Clock

MONTHS = 12


@dataclass
class Month:
    month: date
    received: int = 0
    replies: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def on_time_rate(self):
        return round(100 * self.on_time / self.replies) if self.replies else None

    @property
    def satisfaction_rate(self):
        return round(100 * self.satisfied / self.rated) if self.rated else None


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def monthly(today: date | None = None) -> dict:
    """The last twelve months' figures, computed at most every ten minutes
    (they scan a year of cases; the pages showing them must stay fast)."""
    today = today or timezone.localdate()
    return cache.get_or_set(f"hotline:monthly:{today.isoformat()}", lambda: _monthly(today), 600)


def _monthly(today: date) -> dict:
    months = {m: Month(m) for m in _months(today)}
    start = min(months)
    by_month = TruncMonth("received_at", tzinfo=SHANGHAI)
    for row in (
        Case.objects.filter(received_at__date__gte=start, received_at__date__lte=today)
        .annotate(m=by_month)
        .values("m")
        .annotate(n=Count("id"))
    ):
        month = months.get(row["m"].date() if hasattr(row["m"], "date") else row["m"])
        if month:
            month.received = row["n"]
    replies = Clock.objects.filter(
        kind__in=("reply", "redo"), met_at__isnull=False, met_at__date__gte=start
    ).annotate(m=TruncMonth("met_at", tzinfo=SHANGHAI))
    for row in replies.values("m").annotate(
        n=Count("id"), on_time=Count("id", filter=Q(met_at__lte=F("due_at")))
    ):
        month = months.get(row["m"].date() if hasattr(row["m"], "date") else row["m"])
        if month:
            month.replies, month.on_time = row["n"], row["on_time"]
    ratings = Case.objects.filter(rated_at__date__gte=start).annotate(
        m=TruncMonth("rated_at", tzinfo=SHANGHAI)
    )
    for row in ratings.values("m").annotate(
        n=Count("id"),
        good=Count("id", filter=Q(satisfaction__in=("satisfied", "basically_satisfied"))),
    ):
        month = months.get(row["m"].date() if hasattr(row["m"], "date") else row["m"])
        if month:
            month.rated, month.satisfied = row["n"], row["good"]
    categories = list(
        Case.objects.filter(received_at__date__gte=start, category__isnull=False)
        .values(name=F("category__name"))
        .annotate(n=Count("id"))
        .order_by("-n")[:10]
    )
    rows = list(months.values())
    return {
        "rows": rows,
        "received": bars([(m.month.strftime("%Y-%m"), m.received) for m in rows]),
        "on_time": bars([(m.month.strftime("%Y-%m"), m.on_time_rate) for m in rows], top=100),
        "satisfaction": bars(
            [(m.month.strftime("%Y-%m"), m.satisfaction_rate) for m in rows], top=100
        ),
        "categories": bars([(c["name"], c["n"]) for c in categories]),
    }


def bars(points, top=None, height=120, width=28, gap=8):
    """Bar geometry for the template's SVG: x, y, height, label, value."""
    top = top or max((v or 0 for _l, v in points), default=0) or 1
    drawn = []
    for i, (label, value) in enumerate(points):
        h = round(height * (value or 0) / top)
        drawn.append(
            {"x": i * (width + gap), "y": height - h, "h": h, "label": label, "value": value}
        )
    return {"bars": drawn, "width": len(points) * (width + gap), "height": height, "bar": width}
