from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "hotline.health"
    label = "health"
    verbose_name = _("Background jobs")

    def ready(self):
        from . import recording  # noqa: F401  (connects the worker's signals)
