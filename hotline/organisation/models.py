"""Who the units and people are (R4, R10)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hotline.history import History
from hotline.reference.models import KeptEverywhere
from hotline.reference.revisions import Reference

from .naming import aliases_of, search_terms, sort_key


class District(models.Model):
    """A county-level division of the city (县/市/区)."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("district (区)")
        COUNTY_CITY = "county_city", _("county-level city (市)")
        COUNTY = "county", _("county (县)")

    code = models.CharField(_("administrative code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class Unit(KeptEverywhere):
    """A body that takes part in hotline work.

    The tree is the hotline hierarchy (R4): the city petition bureau is the
    root; the other city-level units and the district petition bureaus are
    its children; each district's other units are children of its bureau.
    So a unit's parent is the bureau of its level, which dispatches to it and
    reviews its replies.
    """

    class Kind(models.TextChoices):
        SERVICE_CENTER = "service_center", _("service center")
        PETITION_BUREAU = "petition_bureau", _("petition bureau")
        DEPARTMENT = "department", _("department")
        DISCIPLINE_COMMISSION = "discipline_commission", _("discipline inspection commission")
        EFFICIENCY_OFFICE = "efficiency_office", _("efficiency office")
        INFO_CENTER = "info_center", _("e-government information center")
        GENERAL_OFFICE = "general_office", _("general office")

    class Level(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("district"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    aliases = models.CharField(
        _("aliases"),
        max_length=200,
        blank=True,
        help_text=_("Short names staff type to find the unit, e.g. 城管, separated by spaces."),
    )

    class Meta:
        ordering = ["level", "district__code", "kind", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="city", district__isnull=True))
                | (Q(level="district", district__isnull=False)),
                name="unit_district_matches_level",
                violation_error_message=_(
                    "A district unit needs its district; a city unit has none."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return aliases_of(self.aliases)

    @property
    def search_terms(self) -> str:
        return search_terms(self.name, self.alias_list)

    @property
    def sort_key(self) -> tuple:
        return sort_key(self.name)

    def clean(self):
        if self.parent_id is None:
            return
        parent = self.parent
        if parent.kind != Unit.Kind.PETITION_BUREAU:
            raise ValidationError({"parent": _("A unit's parent must be a petition bureau.")})
        if self.level == Unit.Level.DISTRICT and self.kind == Unit.Kind.PETITION_BUREAU:
            if parent.level != Unit.Level.CITY:
                raise ValidationError(
                    {"parent": _("A district petition bureau reports to the city bureau.")}
                )
        elif self.level == Unit.Level.DISTRICT and parent.district_id != self.district_id:
            raise ValidationError(
                {"parent": _("A district unit reports to the petition bureau of its district.")}
            )
        elif self.level == Unit.Level.CITY and parent.level != Unit.Level.CITY:
            raise ValidationError({"parent": _("A city unit reports to the city bureau.")})


class Role(models.TextChoices):
    AGENT = "agent", _("agent")
    DISPATCHER = "dispatcher", _("dispatcher")
    REVIEWER = "reviewer", _("reviewer")
    HANDLER = "handler", _("handler")
    LEADER = "leader", _("leader in charge")
    SUPERVISOR = "supervisor", _("supervisor")
    ADMINISTRATOR = "administrator", _("administrator")


# Which unit kinds a role can be held in. Every unit names a leader in charge
# and handlers for hotline work (R10), so those two fit any unit.
ROLE_UNIT_KINDS: dict[str, frozenset[str] | None] = {
    Role.AGENT: frozenset({Unit.Kind.SERVICE_CENTER}),
    Role.DISPATCHER: frozenset({Unit.Kind.PETITION_BUREAU}),
    Role.REVIEWER: frozenset({Unit.Kind.PETITION_BUREAU}),
    Role.SUPERVISOR: frozenset({Unit.Kind.EFFICIENCY_OFFICE}),
    Role.HANDLER: None,
    Role.LEADER: None,
    Role.ADMINISTRATOR: None,
}

# The roles that make up a unit's responsibility roster (R10).
ROSTER_ROLES = (Role.LEADER, Role.HANDLER)


class User(AbstractUser):
    """A member of staff. Chinese names are one field, not first and last."""

    name = models.CharField(_("name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name

    def grants(self) -> dict[tuple[int, str], "Unit"]:
        """The units this person holds each role in, keyed (unit id, role).

        Read once per user object (a request, a job) and kept on it; the
        roster functions clear it when they change this person's roles."""
        cached = self.__dict__.get("_grants")
        if cached is None:
            cached = {
                (g.unit_id, g.role): g.unit
                for g in RoleGrant.objects.filter(user=self).select_related("unit")
            }
            self.__dict__["_grants"] = cached
        return cached

    def forget_grants(self) -> None:
        self.__dict__.pop("_grants", None)

    def holds(self, role: str, unit: Unit | None = None) -> bool:
        return any(r == role and (unit is None or u == unit.pk) for u, r in self.grants())


class RoleGrant(KeptEverywhere):
    """A person holds a role in a unit. Granted and revoked through
    hotline.organisation.roster, which records each change."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_grants",
        verbose_name=_("staff member"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        ordering = ["unit", "role", "user__name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="one_grant_per_role")
        ]

    def __str__(self):
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class RosterChange(History):
    """Append-only record of who changed which role of whom, and when (R10)."""

    class Change(models.TextChoices):
        ADDED = "added", _("added")
        REMOVED = "removed", _("removed")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="roster_changes", verbose_name=_("unit")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="roster_changes",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    change = models.CharField(_("change"), max_length=10, choices=Change.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("roster change")
        verbose_name_plural = _("roster changes")

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.person} {self.get_change_display()}"


# The city petition bureau, which every case passes (hotline.reference).
CITY_BUREAU = Reference(
    "city_bureau",
    (Unit,),
    lambda: Unit.objects.get(kind=Unit.Kind.PETITION_BUREAU, level=Unit.Level.CITY),
)


# Each person's roles, as User.grants() reads them, kept for API tokens,
# which would otherwise read them on every request (hotline.reference).
ROLES = Reference("roles", (RoleGrant, Unit), dict)
