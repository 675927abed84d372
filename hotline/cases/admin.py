"""Cases in the admin are for looking, not editing: every change to a case
goes through the workflow's verbs, so the history stays complete.

And only at what a case is, never at what it says (D8): no role grants an
administrator the requester or the case's words, so the admin shows a case's
number, channel, category, state, dates and flags, its deadlines and the
actions of its timeline, but not its content, location, result, rating
comment, requester, replies or the notes and reasons of its events. Staff
read those in the workbench, as their role there allows."""

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
    fields = ["at", "action", "actor", "actor_unit"]  # not the details: reasons, notes, texts


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
    # What a case is; the fields left out are personal (D8).
    fields = [
        "number",
        "channel",
        "category",
        "state",
        "handling_mode",
        "internal_reason",
        "refusal_reason",
        "city_final_review",
        "disclosure_allowed",
        "published",
        "received_at",
        "closed_at",
        "flag_overdue",
        "flag_lapsed",
        "flag_repeat",
        "declined_timely_replies",
        "satisfaction",
        "rated_at",
        "policy",
        "version",
    ]


@admin.register(Violation)
class ViolationAdmin(ViewOnlyAdmin):
    list_display = ["occurred_at", "kind", "unit", "person", "case"]
    list_filter = ["kind"]
