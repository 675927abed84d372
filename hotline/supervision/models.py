"""Warnings and bulletin entries (R11): the system proposes, a supervisor
decides."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.cases.models import Case, Category, Violation
from hotline.organisation.models import District, Unit


class Warning(models.Model):
    """An efficiency warning (效能告诫) against a named person."""

    class Reason(models.TextChoices):
        LATE_READS = "late_reads", _("late reads in a month")
        VIOLATION = "violation", _("lapsed or overdue handling")

    class Level(models.IntegerChoices):
        PERSON = 1, _("the person responsible")
        LEADER = 2, _("and the unit's leader in charge")
        BULLETIN = 3, _("and the unit criticised in a bulletin")

    class Decision(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ISSUED = "issued", _("issued")
        DISMISSED = "dismissed", _("dismissed")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="warnings"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="warnings")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalated_warnings",
        verbose_name=_("leader in charge warned"),
    )
    evidence = models.ManyToManyField(Violation, related_name="warnings")
    # One proposal per person and reason and period (a month, or a violation).
    key = models.CharField(max_length=100, unique=True)
    proposed_at = models.DateTimeField(_("proposed at"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("efficiency warning")
        verbose_name_plural = _("efficiency warnings")

    def __str__(self):
        return f"{self.person} · {self.get_reason_display()}"


class BulletinEntry(models.Model):
    """A unit named in a bulletin: criticised for a violation (R11(1),
    R11(2), R11(3)) or commended (R12)."""

    class Kind(models.TextChoices):
        CRITICISM = "criticism", _("criticism")
        COMMENDATION = "commendation", _("commendation")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="bulletin_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    violation = models.OneToOneField(
        Violation, on_delete=models.PROTECT, null=True, blank=True, related_name="bulletin_entry"
    )
    warning = models.OneToOneField(
        Warning, on_delete=models.PROTECT, null=True, blank=True, related_name="bulletin_entry"
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    # For a commendation (R12): the year it was earned in.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("bulletin entry")
        verbose_name_plural = _("bulletin entries")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=models.Q(kind="commendation"),
                name="one_commendation_per_unit_and_year",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.unit}"


class DocumentSeries(models.Model):
    """The document numbers (发文字号) of an efficiency office in a year:
    榕12345通〔2026〕11号. A number is taken when a bulletin is published, in
    the transaction that freezes it, and never given again."""

    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    prefix = models.CharField(
        _("prefix"),
        max_length=30,
        help_text=_("The office's code before the year, e.g. 榕12345通."),
    )
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year"], name="one_series_per_office_and_year"
            )
        ]
        verbose_name = _("document number series")
        verbose_name_plural = _("document number series")

    def __str__(self):
        return f"{self.prefix}〔{self.year}〕"


class Bulletin(models.Model):
    """A periodic bulletin (通报) of an efficiency office: the period's
    numbers, frozen when published, with its PDF and Excel renderings.
    One per area (the city, or a district) and period: publishing it again
    is refused, not a correction."""

    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="bulletins")
    # "city" or "district-<id>": what the unique constraint holds to.
    area = models.CharField(max_length=30)
    number = models.CharField(_("document number"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    numbers = models.JSONField(_("numbers"))
    pdf = models.FileField(upload_to="bulletins/%Y/")
    xlsx = models.FileField(upload_to="bulletins/%Y/")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "period_start", "period_end"],
                name="one_bulletin_per_area_and_period",
            )
        ]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a published bulletin is archived as it was and cannot change")
        super().save(*args, **kwargs)


class SettledDay(models.Model):
    """A day whose figures are kept in UnitFigure and AreaFigure. A write
    that changes what the day counted marks it stale (hotline.cases.changes);
    a stale or missing day is counted live until it is settled again."""

    day = models.DateField(unique=True)
    stale = models.BooleanField(default=True)
    settled_at = models.DateTimeField(null=True)
    # The version of the measures' definitions it was counted with
    # (figures.DEFINITIONS): kept figures of another version are not used.
    definitions = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"{self.day} {'stale' if self.stale else 'settled'}"


class UnitFigure(models.Model):
    """How many rows of a measure (hotline.supervision.figures.UNIT) a
    unit had on a day."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=30)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "unit"], name="unitfigure_day_unit")]

    def __str__(self):
        return f"{self.day} {self.unit_id} {self.measure}={self.count}"


class AreaFigure(models.Model):
    """Cases received, answered directly (N3), rated and rated satisfied on
    a day, by channel, category and request type (N1), for the city (no
    district) or for a district's units."""

    day = models.DateField()
    district = models.ForeignKey(
        "organisation.District", on_delete=models.CASCADE, null=True, related_name="+"
    )
    channel = models.CharField(max_length=10)
    category = models.ForeignKey(
        "cases.Category", on_delete=models.CASCADE, null=True, related_name="+"
    )
    # Null on days kept before types were counted; such days are counted
    # again (figures.DEFINITIONS).
    request_type = models.ForeignKey(
        "cases.RequestType", on_delete=models.CASCADE, null=True, related_name="+"
    )
    measure = models.CharField(max_length=30)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "district"], name="areafigure_day_district")]

    def __str__(self):
        return f"{self.day} {self.district_id} {self.channel} {self.measure}={self.count}"


class WatchWord(models.Model):
    """A word the city bureau or the efficiency office watches for in
    requests (N10): a request containing it raises an early warning."""

    word = models.CharField(_("word"), max_length=50, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("watch word")
        verbose_name_plural = _("watch words")

    def __str__(self):
        return self.word


class EarlyWarning(models.Model):
    """An early warning (预警, N10) for the bureau and the efficiency office:
    requests clustering about one matter or place, one person asking about
    the same matter again and again, or a watch word. Raised by the worker,
    grown while its matter goes on, acknowledged with a note."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("requests clustering")
        REPEAT_ASKER = "repeat_asker", _("one person asking again and again")
        WATCH_WORD = "watch_word", _("watch word")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What it is about, in words (the matter, the place, the person masked).
    about = models.CharField(_("about"), max_length=300)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A watch word warning is one per case: its key keeps the job from
    # raising it twice.
    key = models.CharField(max_length=100, blank=True)
    raised_at = models.DateTimeField(_("raised at"), db_index=True)
    updated_at = models.DateTimeField(_("last case added at"))
    cases = models.ManyToManyField(Case, related_name="early_warnings", verbose_name=_("cases"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement = models.TextField(_("acknowledgement note"), blank=True)
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up_at = models.DateTimeField(_("marked for planned follow-up at"), null=True, blank=True)
    follow_up_note = models.TextField(_("planned follow-up"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="early_warning_key"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.about}"
