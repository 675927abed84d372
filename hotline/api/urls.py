from django.urls import path, re_path

from . import problems
from .api import api


def unknown(request, rest=""):
    """Below /api/v1/, even a path that names nothing answers a problem."""
    return problems.response(request, "not_found")


urlpatterns = [path("", api.urls), re_path(r"^(?P<rest>.*)$", unknown)]
