"""Touch the year when one of its days changes, so every process notices
the new calendar (see services.database_calendar)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import CalendarDay, CalendarYear


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
def touch_year(sender, instance, **kwargs):
    CalendarYear.objects.filter(pk=instance.year_id).update(updated_at=timezone.now())
