from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "hotline.reference"
    label = "reference"
    verbose_name = "Reference data"
