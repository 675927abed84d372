from django.urls import path, re_path, register_converter

from . import views


class Format:
    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(Format, "open311format")

urlpatterns = [
    path("discovery.<open311format:fmt>", views.discovery, name="open311-discovery"),
    path("services.<open311format:fmt>", views.services, name="open311-services"),
    path(
        "services/<str:code>.<open311format:fmt>",
        views.service_definition,
        name="open311-service",
    ),
    path("requests.<open311format:fmt>", views.service_requests, name="open311-requests"),
    path(
        "requests/<str:number>.<open311format:fmt>",
        views.service_request,
        name="open311-request",
    ),
    re_path(r"^.*$", views.not_found),
]
