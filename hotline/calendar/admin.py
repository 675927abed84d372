from django.contrib import admin

from .models import CalendarDay, CalendarYear
from .services import announce_change


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3
    fields = ["date", "kind", "name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """An administrator enters a year's days from the State Council notice,
    checks them, then ticks confirmed (D1). Saving recomputes open clocks."""

    list_display = ["year", "confirmed", "source", "updated_at"]
    inlines = [CalendarDayInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        announce_change(form.instance.year)

    def delete_model(self, request, obj):
        year = obj.year
        super().delete_model(request, obj)
        announce_change(year)
