"""Writes that change what an earlier day counted.

The supervisors' figures are kept per day once a day is over
(hotline.supervision.figures). Almost every write lands on today; the few
that land on an earlier day (a backdated registration, an excused violation,
a cleared rating, a district joining an older case, a recomputed deadline)
say so here, and the figures of those days are counted again."""

from datetime import date, datetime

from django.dispatch import Signal
from django.utils import timezone

from hotline.calendar.workdays import SHANGHAI

# Sent inside the writing transaction with `days`, a set of dates.
past_days_changed = Signal()


def touch(*moments: datetime | None) -> None:
    today = timezone.localdate(timezone=SHANGHAI)
    days: set[date] = {timezone.localtime(m, SHANGHAI).date() for m in moments if m is not None}
    days = {d for d in days if d < today}
    if days:
        past_days_changed.send(sender=None, days=days)
