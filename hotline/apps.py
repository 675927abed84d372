from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class HotlineAdminConfig(AdminConfig):
    default_site = "hotline.adminsite.HotlineAdminSite"


class HotlineAxesConfig(AxesAppConfig):
    """django-axes under a name the admin index can show in Chinese."""

    verbose_name = _("Login attempts")


# Strings of Django and django-axes that their own Chinese catalogues leave
# untranslated although our pages show them. Named here so makemessages keeps
# them in our catalogue, which Django reads before its own.
BORROWED_STRINGS = (
    # A form label ends with ":" unless it already ends with one of ":?.!":
    # in Chinese the colon is "：" and a label ending "？" needs none.
    gettext_noop(":"),
    gettext_noop(":?.!"),
    # The admin index's hidden column heads and its axes models.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("access attempts"),
    gettext_noop("access failures"),
    gettext_noop("access logs"),
)
