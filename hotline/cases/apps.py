from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "hotline.cases"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.urls import register_converter

        register_converter(CaseNumberConverter, "casenumber")

        from . import signals  # noqa: F401
        from .search import ensure_sqlite_index

        post_migrate.connect(ensure_sqlite_index, sender=self)


class CaseNumberConverter:
    """A case number in a URL: letters and digits only, so a crafted path
    (a NUL character, which PostgreSQL refuses in a query) is a 404 before
    any query is made."""

    regex = "[A-Za-z0-9]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
