from django.urls import path

from . import views

urlpatterns = [
    path("supervision/violations/<int:pk>/excuse/", views.excuse, name="excuse-violation"),
]
