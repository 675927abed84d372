from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "hotline.knowledge"
    verbose_name = _("Knowledge base")

    def ready(self):
        from django.db.models.signals import post_migrate

        # Imported here so that every process moves the frequencies' revision
        # when it saves a version, searching or not.
        from .search import ensure_sqlite_index

        post_migrate.connect(ensure_sqlite_index, sender=self)
