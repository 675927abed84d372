from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="portal-home"),
    path("submit/", views.submit, name="portal-submit"),
    path("submitted/", views.submitted, name="portal-submitted"),
    path("track/", views.track, name="portal-track"),
    path("track/case/", views.tracked, name="portal-tracked"),
    path("rate/<str:token>/", views.rate_link, name="portal-rate"),
    path("published/", views.published, name="portal-published"),
    path("published/<casenumber:number>/", views.published_detail, name="portal-published-detail"),
    path("statistics/", views.statistics, name="portal-statistics"),
    path("knowledge/", views.knowledge, name="portal-knowledge"),
    path("knowledge/<int:article_id>/", views.knowledge_detail, name="portal-knowledge-detail"),
    path("knowledge/suggested/", views.suggested_articles, name="portal-suggested-articles"),
]
