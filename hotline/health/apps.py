from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "hotline.health"
    label = "health"
    verbose_name = "Health"

    def ready(self):
        from . import recording  # noqa: F401  (connects the worker's signals)
