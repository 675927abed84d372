from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class HotlineAdminSite(admin.AdminSite):
    site_header = _("12345 Hotline administration")
    site_title = _("12345 Hotline")
    index_title = _("Administration")

    def has_permission(self, request):
        from hotline.organisation.roster import is_administrator

        return request.user.is_authenticated and is_administrator(request.user)

    def each_context(self, request):
        from hotline.calendar.services import unconfirmed_year_warnings
        from hotline.health.status import job_problems

        context = super().each_context(request)
        if self.has_permission(request):
            context["calendar_warnings"] = unconfirmed_year_warnings()
            context["job_problems"] = job_problems()
        return context


class ViewOnlyAdmin(admin.ModelAdmin):
    """History and records that only the workflow writes: shown, never
    added, edited or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
