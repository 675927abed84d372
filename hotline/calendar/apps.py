from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "hotline.calendar"
    label = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self):
        from . import signals  # noqa: F401
