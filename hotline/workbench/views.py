from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from hotline.calendar.services import database_calendar
from hotline.organisation.roster import is_administrator
from hotline.policy.models import Policy


@login_required
def home(request):
    """Where every member of staff lands: who they are, in which units and
    roles, and the rules in force today."""
    today = timezone.localdate()
    calendar = database_calendar()
    return render(
        request,
        "workbench/home.html",
        {
            "grants": request.user.role_grants.select_related("unit", "unit__district"),
            "policy": Policy.in_force(timezone.now()),
            "today": today,
            "today_is_working_day": calendar.is_working_day(today),
            "today_is_provisional": calendar.is_provisional(today),
            "is_administrator": is_administrator(request.user),
        },
    )
