from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "hotline.catalogue"
    verbose_name = _("Dispatch catalogue")
