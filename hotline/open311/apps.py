from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "hotline.open311"
    # The standard's own name, the same in every language.
    verbose_name = "Open311"
