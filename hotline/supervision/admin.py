from django.contrib import admin

from hotline.adminsite import ViewOnlyAdmin

from .models import BulletinEntry, DocumentSeries, Warning


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
