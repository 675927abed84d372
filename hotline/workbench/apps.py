from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "hotline.workbench"
    verbose_name = _("Workbench")

    def ready(self):
        from . import sessions  # noqa: F401  (connects the shared-computer login)
