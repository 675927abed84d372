"""What the bulletins, the dashboard and the ranking count over a period."""

from datetime import date, datetime, timedelta

from django.db.models import Q

from hotline.calendar.workdays import SHANGHAI
from hotline.cases.models import Clock


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From 00:00 of `start` to 24:00 of `end`, Fuzhou time."""
    first = datetime(start.year, start.month, start.day, tzinfo=SHANGHAI)
    last = datetime(end.year, end.month, end.day, tzinfo=SHANGHAI) + timedelta(days=1)
    return first, last


def percent(good: int, total: int) -> float | None:
    return round(100 * good / total, 1) if total else None


def ended_clocks(first: datetime, last: datetime):
    """Clocks due in [first, last) that have run their course: met or
    breached, not cancelled. Their timeliness is what gets counted."""
    return Clock.objects.filter(
        due_at__gte=first, due_at__lt=last, cancelled_at__isnull=True
    ).filter(Q(met_at__isnull=False) | Q(breached_at__isnull=False))
