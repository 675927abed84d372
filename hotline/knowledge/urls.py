from django.urls import path

from . import views

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("new/", views.article_new, name="article-new"),
    path("import/", views.article_import, name="article-import"),
    path("<int:article_id>/", views.article_detail, name="article-detail"),
    path("<int:article_id>/edit/", views.article_edit, name="article-edit"),
    path("<int:article_id>/renew/", views.article_renew, name="article-renew"),
    path(
        "<int:article_id>/versions/<int:number>/<slug:step>/",
        views.article_step,
        name="article-step",
    ),
    path("propose/<int:reply_id>/", views.propose, name="article-propose"),
]
