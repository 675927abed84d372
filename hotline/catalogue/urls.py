from django.urls import path

from . import views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.draft, name="catalogue-draft"),
    path("import/", views.import_page, name="catalogue-import"),
    path("<int:number>/", views.version, name="catalogue-version"),
    path("<int:number>/export/", views.export, name="catalogue-export"),
    path("<int:number>/publish/", views.publish, name="catalogue-publish"),
    path("<int:number>/entries/new/", views.entry_new, name="catalogue-entry-new"),
    path("<int:number>/entries/<int:entry_id>/", views.entry_edit, name="catalogue-entry-edit"),
    path(
        "<int:number>/entries/<int:entry_id>/remove/",
        views.entry_remove,
        name="catalogue-entry-remove",
    ),
]
