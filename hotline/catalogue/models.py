"""The dispatch catalogue (派单目录, N5): dated versions kept by the city
petition bureau, each a list of entries from matter and area to the
responsible unit, or to a lead unit and co-handlers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hotline.history import History
from hotline.organisation.models import District, Unit
from hotline.reference.models import KeptEverywhere
from hotline.reference.revisions import Reference

from . import matching


class CatalogueVersion(KeptEverywhere):
    """One version of the catalogue. A draft is edited; once published it
    is kept as it is, and is in force from its effective date until a
    later published version's."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("catalogue version", "draft")
        PUBLISHED = "published", pgettext_lazy("catalogue version", "published")

    number = models.PositiveIntegerField(_("version"), unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    effective_on = models.DateField(_("in force from"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(_("drafted at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")

    def __str__(self):
        return f"v{self.number}"


class CatalogueEntry(models.Model):
    """Edited only while its version is a draft, which the copy (CATALOGUE)
    does not hold: publishing saves the version, and that moves the
    revision, so a draft's edits cost no process a rebuild."""

    version = models.ForeignKey(
        CatalogueVersion,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("catalogue version"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    category = models.ForeignKey(
        "cases.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("matter")
    )
    sub_matter = models.CharField(_("sub-matter"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("Left empty, the entry holds for the whole city."),
    )
    street = models.CharField(
        _("street or town"),
        max_length=50,
        blank=True,
        help_text=_("Matched in the case's location; left empty, the whole district."),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible unit (or lead unit)"),
    )
    co_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("co-handling units")
    )

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")

    def __str__(self):
        return f"{self.category} {self.sub_matter}".strip()

    @property
    def keyword_list(self) -> tuple[str, ...]:
        return matching.keywords_of(self.keywords)


class CatalogueChange(History):
    """The catalogue's history: who drafted, edited, imported and published
    which version, and when. Never edited."""

    class Action(models.TextChoices):
        DRAFTED = "drafted", pgettext_lazy("catalogue change", "drafted")
        EDITED = "edited", _("entry edited")
        ADDED = "added", _("entry added")
        REMOVED = "removed", _("entry removed")
        IMPORTED = "imported", _("imported from a spreadsheet")
        PUBLISHED = "published", pgettext_lazy("catalogue change", "published")

    version_number = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("catalogue change")
        verbose_name_plural = _("catalogue changes")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} v{self.version_number} {self.action}"


def _ref(unit: Unit) -> matching.UnitRef:
    parent = unit.parent
    return matching.UnitRef(
        unit.pk,
        unit.name,
        unit.parent_id,
        parent.name if parent else "",
        parent and parent.parent_id,
    )


def _build() -> matching.Catalogue:
    versions = CatalogueVersion.objects.filter(state=CatalogueVersion.State.PUBLISHED).order_by(
        "effective_on", "number"
    )
    entries = (
        CatalogueEntry.objects.filter(version__in=versions)
        .select_related("category", "district", "unit__parent")
        .prefetch_related(
            models.Prefetch("co_units", queryset=Unit.objects.select_related("parent"))
        )
        .order_by("position", "id")
    )
    rules: dict[int, list] = {}
    for e in entries:
        rules.setdefault(e.version_id, []).append(
            matching.Rule(
                entry_id=e.pk,
                category_id=e.category_id,
                category_name=e.category.name,
                sub_matter=e.sub_matter,
                keywords=e.keyword_list,
                district=e.district.name if e.district else "",
                street=e.street,
                lead=_ref(e.unit),
                co=tuple(_ref(u) for u in sorted(e.co_units.all(), key=lambda u: u.pk)),
            )
        )
    return matching.Catalogue(
        versions=tuple(
            matching.Version(v.pk, v.number, v.effective_on, tuple(rules.get(v.pk, ())))
            for v in versions
        ),
        districts=tuple(District.objects.values_list("name", flat=True)),
    )


# The published catalogue, kept per process (hotline.reference): the
# dispatch verb reads it beside the case it locks.
CATALOGUE = Reference("catalogue", (CatalogueVersion,), _build)
