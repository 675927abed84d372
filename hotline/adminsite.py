from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
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
    added, edited or deleted by hand.

    Filtered only by the filters on the page (and the date hierarchy): Django
    would let any field of the model be filtered through the address
    (`?content__regex=^…`), which reads, one question at a time, the very
    words the page leaves out (D8)."""

    def lookup_allowed(self, lookup, value, request=None):
        field = lookup.split(LOOKUP_SEP, 1)[0]
        offered = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, str):
                offered.add(item.split(LOOKUP_SEP, 1)[0])
            elif isinstance(item, (tuple, list)):
                offered.add(item[0].split(LOOKUP_SEP, 1)[0])
        return field in offered and super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
