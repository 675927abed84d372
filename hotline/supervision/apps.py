from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "hotline.supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from . import figures  # noqa: F401  (connects the receiver that unsettles days)
