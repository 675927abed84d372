from django.dispatch import receiver

from hotline.calendar.services import calendar_changed

from .clocks import recompute_open_clocks


@receiver(calendar_changed)
def recompute_clocks(sender, year, **kwargs):
    recompute_open_clocks(year)
