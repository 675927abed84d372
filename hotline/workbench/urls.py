from django.urls import path

from . import calendar_page, views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("switch/", views.switch, name="switch"),
    path("password/", views.PasswordChange.as_view(), name="password-change"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<casenumber:number>/", views.case_detail, name="case-detail"),
    path("cases/<casenumber:number>/print/", views.case_print, name="case-print"),
    path("cases/<casenumber:number>/dispatch/<int:part_id>/", views.dispatch, name="dispatch"),
    path("cases/<casenumber:number>/screen/", views.screen, name="screen"),
    path("cases/<casenumber:number>/merge/", views.merge_here, name="merge-here"),
    path(
        "cases/<casenumber:number>/act/<str:action>/<str:target_kind>/<int:target_id>/",
        views.act,
        name="act",
    ),
    path(
        "cases/<casenumber:number>/attachments/<int:attachment_id>/",
        views.attachment,
        name="case-attachment",
    ),
    path("reply-templates/", views.reply_templates, name="reply-templates"),
    path("reply-templates/<int:template_id>/", views.reply_templates, name="reply-template-edit"),
    path(
        "reply-templates/<int:template_id>/delete/",
        views.reply_template_delete,
        name="reply-template-delete",
    ),
    path("intake/", views.intake, name="intake"),
    path("intake/caller/", views.caller, name="caller"),
    path("intake/articles/", views.intake_articles, name="intake-articles"),
    path("intake/lookup/", views.lookup, name="case-lookup"),
    path("intake/progress/<casenumber:number>/", views.progress, name="case-progress"),
    path("calendar/", calendar_page.calendar_index, name="calendar"),
    path("calendar/<int:year>/", calendar_page.calendar_year, name="calendar-year"),
]
