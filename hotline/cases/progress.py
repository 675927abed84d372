"""What a requester may know of their case's progress: the portal shows it
to them after the query code, and the service center reads the same to a
caller asking "where is my case?" (issue 15). Words, not codes; no handling
notes (instructions, drafts, review remarks), which are the units' own."""

from django.utils.translation import gettext_lazy

from .models import Clock

# What a requester reads about their case, in plain words.
PUBLIC_STATUS = {
    "registered": gettext_lazy("received, being checked"),
    "screening": gettext_lazy("received, being checked"),
    "refused": gettext_lazy("not accepted"),
    "declined": gettext_lazy("already answered; not handled again"),
    "dispatching": gettext_lazy("being handled"),
    "handling": gettext_lazy("being handled"),
    "reviewing": gettext_lazy("reply being reviewed"),
    "approved": gettext_lazy("reply being reviewed"),
    "closed": gettext_lazy("answered"),
    # N4: handled with the other reports of the same matter; the result
    # comes to this requester too.
    "merged": gettext_lazy("being handled together with other reports of the same matter"),
}

# The deadlines a caller may be told: when the reply is due.
REPLY_CLOCKS = (Clock.Kind.REPLY, Clock.Kind.REDO)


def progress(case) -> dict:
    units = []
    if case.handling_mode == "public":
        units = list(
            case.assignments.exclude(state="withdrawn")
            .order_by("part__number", "id")
            .values_list("unit__name", flat=True)
        )
    return {"case": case, "status": PUBLIC_STATUS[case.state], "units": units}


def reply_due(case):
    """The latest due time of the reply clocks still running, or None."""
    running = case.clocks.filter(
        kind__in=REPLY_CLOCKS, met_at__isnull=True, cancelled_at__isnull=True
    )
    return running.order_by("-due_at").values_list("due_at", flat=True).first()
