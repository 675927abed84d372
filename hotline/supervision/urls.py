from django.urls import path

from . import views

urlpatterns = [
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/bulletins/", views.publish_bulletin, name="publish-bulletin"),
    path("supervision/bulletins/preview/", views.preview_bulletin, name="preview-bulletin"),
    path("supervision/bulletins/<int:pk>/<str:kind>/", views.bulletin_file, name="bulletin-file"),
    path("supervision/dashboard/", views.dashboard, name="dashboard"),
    path("supervision/drill/", views.drill, name="drill"),
    path(
        "supervision/against-catalogue/",
        views.against_catalogue_list,
        name="against-catalogue",
    ),
    path("supervision/warnings/<int:pk>/", views.decide_warning_view, name="decide-warning"),
    path("supervision/violations/<int:pk>/excuse/", views.excuse, name="excuse-violation"),
    path("supervision/ranking/", views.ranking, name="ranking"),
    path("supervision/ranking/commend/", views.commend_view, name="commend"),
]
