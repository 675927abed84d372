"""How long is left on a clock, as the queue shows it ("剩余1个工作日")."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hotline.calendar.workdays import SHANGHAI, WorkCalendar


@dataclass(frozen=True)
class Countdown:
    label: str
    level: str  # "ok", "soon" (under one working day: amber), "breached" (red)
    provisional: bool


def countdown(calendar: WorkCalendar, now: datetime, due: datetime, provisional=False) -> Countdown:
    now_local = now.astimezone(SHANGHAI)
    last_day = (due.astimezone(SHANGHAI) - timedelta(days=1)).date()
    if now >= due:
        late_days = calendar.working_days_between(last_day, now_local.date())
        if late_days >= 1:
            label = ngettext(
                "%(n)s working day overdue", "%(n)s working days overdue", late_days
            ) % {"n": late_days}
        else:
            hours = max(1, int((now - due).total_seconds() // 3600))
            label = ngettext("%(n)s hour overdue", "%(n)s hours overdue", hours) % {"n": hours}
        return Countdown(label, "breached", provisional)
    days = calendar.working_days_between(now_local.date(), last_day)
    if days >= 1:
        label = ngettext("%(n)s working day left", "%(n)s working days left", days) % {"n": days}
        return Countdown(label, "ok", provisional)
    hours = int((due - now).total_seconds() // 3600)
    label = (
        ngettext("%(n)s hour left", "%(n)s hours left", hours) % {"n": hours}
        if hours >= 1
        else _("less than an hour left")
    )
    return Countdown(label, "soon", provisional)
