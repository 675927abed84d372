from django.contrib import admin

from hotline.adminsite import ViewOnlyAdmin

from .models import BulletinEntry, Warning


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
