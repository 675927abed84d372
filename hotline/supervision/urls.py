from django.urls import path

from . import views

urlpatterns = [
    path("supervision/violations/<int:pk>/excuse/", views.excuse, name="excuse-violation"),
    path("supervision/ranking/", views.ranking, name="ranking"),
    path("supervision/ranking/commend/", views.commend_view, name="commend"),
]
