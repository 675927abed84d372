"""Cases in the admin are for looking, not editing: every change to a case
goes through the workflow's verbs, so the history stays complete."""

from django.contrib import admin

from hotline.adminsite import ViewOnlyAdmin

from .models import Case, Category, Clock, Event, Violation


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    filter_horizontal = ["suggested_units"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ClockInline(ReadOnlyInline):
    model = Clock
    fields = [
        "kind",
        "unit",
        "started_at",
        "due_at",
        "provisional",
        "met_at",
        "breached_at",
        "cancelled_at",
    ]


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["at", "action", "actor", "actor_unit", "details"]


@admin.register(Case)
class CaseAdmin(ViewOnlyAdmin):
    list_display = [
        "number",
        "channel",
        "state",
        "handling_mode",
        "received_at",
        "flag_overdue",
        "flag_lapsed",
        "flag_repeat",
    ]
    list_filter = ["state", "channel", "handling_mode", "flag_overdue", "flag_lapsed"]
    search_fields = ["number"]
    inlines = [ClockInline, EventInline]


@admin.register(Violation)
class ViolationAdmin(ViewOnlyAdmin):
    list_display = ["occurred_at", "kind", "unit", "person", "case"]
    list_filter = ["kind"]
