from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from hotline.adminsite import ViewOnlyAdmin

from .models import CalendarChange, CalendarDay, CalendarYear
from .notice import check_schedule
from .services import announce_change
from .wording import describe
from .workdays import YearSchedule, shipped_festivals


class CalendarDayFormSet(BaseInlineFormSet):
    """The days typed one by one are held to the calendar page's checks: in
    the year, and, for a year being confirmed, every statutory holiday off
    (D1). The year itself is the parent form's, already cleaned."""

    def clean(self):
        super().clean()
        year = self.instance.year
        days = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("date") and not form.cleaned_data.get("DELETE")
        ]
        festivals = shipped_festivals().get(year)
        if not year or festivals is None:
            return
        schedule = YearSchedule(
            holidays=frozenset(
                d["date"] for d in days if d.get("kind") == CalendarDay.Kind.HOLIDAY
            ),
            workdays=frozenset(
                d["date"] for d in days if d.get("kind") == CalendarDay.Kind.WORKDAY
            ),
        )
        problems = [
            p
            for p in check_schedule(year, schedule, festivals)
            if p.error and (self.instance.confirmed or p.code == "outside_year")
        ]
        if problems:
            raise ValidationError(
                [describe(p) for p in problems]
                + [_("Untick confirmed to keep a draft, or enter the year on the calendar page.")]
            )


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    formset = CalendarDayFormSet
    extra = 3
    fields = ["date", "kind", "name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """An administrator enters a year's days from the State Council notice,
    checks them, then ticks confirmed (D1). Saving recomputes open clocks.
    The calendar page (/calendar/) does the same from the notice's text."""

    list_display = ["year", "confirmed", "source", "updated_at"]
    inlines = [CalendarDayInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        announce_change(form.instance.year)

    def delete_model(self, request, obj):
        year = obj.year
        super().delete_model(request, obj)
        announce_change(year)


@admin.register(CalendarChange)
class CalendarChangeAdmin(ViewOnlyAdmin):
    list_display = ["year", "at", "by", "reason"]
    list_filter = ["year"]
    fields = ["year", "at", "by", "reason", "source", "notice", "added", "removed"]
