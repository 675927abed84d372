from django.urls import path

from . import views, warning_views

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
    path("early-warnings/", warning_views.warning_list, name="early-warnings"),
    path("early-warnings/<int:pk>/", warning_views.warning_detail, name="early-warning"),
    path(
        "early-warnings/<int:pk>/acknowledge/",
        warning_views.acknowledge,
        name="acknowledge-early-warning",
    ),
    path(
        "early-warnings/<int:pk>/follow-up/",
        warning_views.follow_up,
        name="follow-up-early-warning",
    ),
    path("early-warnings/watch-words/", warning_views.watch_words, name="watch-words"),
]
