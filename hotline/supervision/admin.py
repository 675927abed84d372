from django.contrib import admin

from hotline.adminsite import ViewOnlyAdmin

from .models import BulletinEntry, DocumentSeries, EarlyWarning, Warning, WatchWord


@admin.register(Warning)
class WarningAdmin(ViewOnlyAdmin):
    """Proposals are made by the rules and decided by supervisors
    (hotline.supervision.rules.decide_warning)."""

    list_display = ["proposed_at", "person", "unit", "reason", "level", "decision"]
    list_filter = ["decision", "reason", "level"]


@admin.register(BulletinEntry)
class BulletinEntryAdmin(ViewOnlyAdmin):
    list_display = ["occurred_at", "unit", "kind", "text"]
    list_filter = ["kind"]


@admin.register(DocumentSeries)
class DocumentSeriesAdmin(admin.ModelAdmin):
    """The prefix may be set before an office's first bulletin of a year;
    the numbers themselves are taken by publishing, never typed."""

    list_display = ["office", "year", "prefix", "last"]
    readonly_fields = ["last"]


@admin.register(EarlyWarning)
class EarlyWarningAdmin(ViewOnlyAdmin):
    """Raised by the worker (N10); acknowledged and marked on the warnings
    page (hotline.supervision.early_warnings)."""

    list_display = ["raised_at", "kind", "about", "acknowledged_at", "follow_up_at"]
    list_filter = ["kind"]


@admin.register(WatchWord)
class WatchWordAdmin(admin.ModelAdmin):
    """The watch list (N10), also kept on the early warnings' page."""

    list_display = ["word", "note", "is_active", "added_at"]
    list_filter = ["is_active"]
    search_fields = ["word", "note"]
    readonly_fields = ["added_by", "added_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
