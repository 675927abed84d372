"""The working-day calendar as data an administrator maintains (D1)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.reference.models import KeptEverywhere


class CalendarYear(KeptEverywhere):
    """One year's State Council holiday schedule.

    Only a confirmed year's days count. Until then the year is provisional:
    deadlines in it use the statutory holidays by rule (D1), so an
    administrator can enter a draft schedule without it taking effect.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_(
            "Tick once the days below match the State Council notice. "
            "Until then deadlines in this year are provisional."
        ),
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("The notice the days come from.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)


class CalendarDay(KeptEverywhere):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("day off")
        WORKDAY = "workday", _("make-up working day")

    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date.isoformat()} {self.get_kind_display()}"

    def clean(self):
        if not isinstance(self.date, date):
            return
        if self.year_id and self.date.year != self.year.year:
            raise ValidationError(
                {"date": _("This date is not in %(year)s.") % {"year": self.year}}
            )
        if self.kind == self.Kind.WORKDAY and self.date.weekday() < 5:
            raise ValidationError(
                {"date": _("A make-up working day must be a Saturday or a Sunday.")}
            )


class CalendarChange(models.Model):
    """Who entered or changed a year's schedule on the calendar page, when and
    why, with the notice as it was pasted (D1). Append-only."""

    year = models.PositiveSmallIntegerField(_("year"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="calendar_changes",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    notice = models.TextField(_("notice"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    added = models.JSONField(_("days added"), default=list)
    removed = models.JSONField(_("days removed"), default=list)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")

    def __str__(self):
        return f"{self.year} {self.at:%Y-%m-%d %H:%M}"
