"""The catalogue's verbs (N5): the city petition bureau drafts a new version
from the one in force, edits its entries and publishes it. Each verb runs in
one transaction: it locks the version, checks the actor's right and the
version's state, changes the rows and records a CatalogueChange."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.models import Category
from hotline.organisation.models import District, Role, Unit, User
from hotline.organisation.roster import is_administrator

from .matching import keywords_of
from .models import CatalogueChange, CatalogueEntry, CatalogueVersion

V = CatalogueVersion.State
A = CatalogueChange.Action
SUB_MATTER_MAX = CatalogueEntry._meta.get_field("sub_matter").max_length
KEYWORDS_MAX = CatalogueEntry._meta.get_field("keywords").max_length
STREET_MAX = CatalogueEntry._meta.get_field("street").max_length
# Who may be named responsible: a bureau dispatches, a service center takes calls.
NOT_RESPONSIBLE = (Unit.Kind.PETITION_BUREAU, Unit.Kind.SERVICE_CENTER)


@dataclass(frozen=True)
class EntryText:
    """What an entry says, as a form or a spreadsheet row gives it."""

    category: Category | None
    unit: Unit | None
    sub_matter: str = ""
    keywords: str = ""
    district: District | None = None
    street: str = ""
    co: tuple[Unit, ...] = field(default_factory=tuple)


def may_keep_catalogue(actor: User | None) -> bool:
    """N5: the city petition bureau's dispatchers keep the catalogue, and
    administrators."""
    if actor is None or not actor.is_active:
        return False
    if is_administrator(actor):
        return True
    return any(
        role == Role.DISPATCHER
        and unit.kind == Unit.Kind.PETITION_BUREAU
        and unit.level == Unit.Level.CITY
        for (_pk, role), unit in actor.grants().items()
    )


def require_keeper(actor: User | None) -> None:
    if not may_keep_catalogue(actor):
        raise NotAllowed(
            _("Only the city petition bureau's dispatchers keep the dispatch catalogue.")
        )


def _record(version: CatalogueVersion, action: str, actor: User, note: str = "") -> None:
    CatalogueChange.objects.create(
        version_number=version.number, action=action, actor=actor, at=timezone.now(), note=note
    )


def _draft(version_id: int) -> CatalogueVersion:
    version = CatalogueVersion.objects.select_for_update().get(pk=version_id)
    if version.state != V.DRAFT:
        raise WrongState(_("A published version is kept as it is: draft a new version."))
    return version


def in_force(on: date | None = None) -> CatalogueVersion | None:
    """The published version in force on `on` (today)."""
    return (
        CatalogueVersion.objects.filter(
            state=V.PUBLISHED, effective_on__lte=on or timezone.localdate()
        )
        .order_by("-effective_on", "-number")
        .first()
    )


def checked(text: EntryText) -> EntryText:
    """The entry as it is kept, or InvalidInput saying what is wrong."""
    sub_matter = " ".join(text.sub_matter.split())
    keywords = " ".join(keywords_of(text.keywords))
    street = " ".join(text.street.split())
    if text.category is None or not text.category.is_active:
        raise InvalidInput(_("Choose the matter's category."), field="category")
    if len(sub_matter) > SUB_MATTER_MAX or len(keywords) > KEYWORDS_MAX:
        raise InvalidInput(_("The sub-matter or the keywords are too long."), field="keywords")
    if len(street) > STREET_MAX:
        raise InvalidInput(_("The street or town is too long."), field="street")
    if street and text.district is None:
        raise InvalidInput(_("A street or town needs its district."), field="street")
    if text.unit is None:
        raise InvalidInput(_("Choose the responsible unit."), field="unit")
    units = [text.unit, *text.co]
    if len({u.pk for u in units}) != len(units):
        raise InvalidInput(_("A unit appears twice in the same entry."), field="co")
    for unit in units:
        if not unit.is_active or unit.kind in NOT_RESPONSIBLE:
            raise InvalidInput(
                _("%(unit)s cannot be responsible for a matter.") % {"unit": unit.name},
                field="unit",
            )
        if unit.district_id is not None and unit.district_id != getattr(text.district, "pk", None):
            raise InvalidInput(
                _("%(unit)s is a unit of %(district)s: choose that district as the area.")
                % {"unit": unit.name, "district": unit.district.name},
                field="district",
            )
    return EntryText(
        category=text.category,
        unit=text.unit,
        sub_matter=sub_matter,
        keywords=keywords,
        district=text.district,
        street=street,
        co=tuple(text.co),
    )


def _write(entry: CatalogueEntry, text: EntryText) -> CatalogueEntry:
    entry.category = text.category
    entry.sub_matter = text.sub_matter
    entry.keywords = text.keywords
    entry.district = text.district
    entry.street = text.street
    entry.unit = text.unit
    entry.save()
    entry.co_units.set(text.co)
    return entry


@transaction.atomic
def draft_version(*, actor: User, effective_on: date, note: str = "") -> CatalogueVersion:
    """N5: a new draft, a copy of the version in force (or of the latest
    published, if none is in force yet), to take effect on `effective_on`.
    One draft at a time: two would each miss the other's changes."""
    require_keeper(actor)
    if effective_on is None or effective_on < timezone.localdate():
        raise InvalidInput(
            _(
                "A new version takes effect today or later: past dispatches were made by the "
                "version then in force."
            ),
            field="effective_on",
        )
    # Locking the latest version orders two drafts begun at once.
    latest = CatalogueVersion.objects.select_for_update().order_by("-number").first()
    if CatalogueVersion.objects.filter(state=V.DRAFT).exists():
        raise WrongState(_("A draft is already open: edit or publish it first."))
    source = in_force() or (
        CatalogueVersion.objects.filter(state=V.PUBLISHED).order_by("-number").first()
    )
    version = CatalogueVersion.objects.create(
        number=(latest.number if latest else 0) + 1,
        state=V.DRAFT,
        effective_on=effective_on,
        note=note.strip()[:500],
        created_by=actor,
        created_at=timezone.now(),
    )
    if source is not None:
        for entry in source.entries.prefetch_related("co_units"):
            co = list(entry.co_units.all())
            entry.pk, entry.version = None, version
            entry.save()
            entry.co_units.set(co)
    _record(version, A.DRAFTED, actor, note.strip()[:500])
    return version


@transaction.atomic
def add_entry(*, actor: User, version: CatalogueVersion, text: EntryText) -> CatalogueEntry:
    require_keeper(actor)
    version = _draft(version.pk)
    text = checked(text)
    last = version.entries.aggregate(last=Max("position"))["last"]
    entry = _write(CatalogueEntry(version=version, position=(last or 0) + 1), text)
    _record(version, A.ADDED, actor, str(entry))
    return entry


@transaction.atomic
def edit_entry(*, actor: User, entry: CatalogueEntry, text: EntryText) -> CatalogueEntry:
    require_keeper(actor)
    version = _draft(entry.version_id)
    entry = CatalogueEntry.objects.get(pk=entry.pk)
    _write(entry, checked(text))
    _record(version, A.EDITED, actor, str(entry))
    return entry


@transaction.atomic
def remove_entry(*, actor: User, entry: CatalogueEntry) -> None:
    require_keeper(actor)
    version = _draft(entry.version_id)
    _record(version, A.REMOVED, actor, str(entry))
    CatalogueEntry.objects.filter(pk=entry.pk).delete()


@transaction.atomic
def replace_entries(
    *, actor: User, version: CatalogueVersion, texts: list[EntryText], note: str = ""
) -> list[CatalogueEntry]:
    """A spreadsheet imported into a draft: its rows become the draft's
    entries, in order. The rows are checked by the caller, one by one."""
    require_keeper(actor)
    version = _draft(version.pk)
    version.entries.all().delete()
    entries = [
        _write(CatalogueEntry(version=version, position=n), checked(text))
        for n, text in enumerate(texts, start=1)
    ]
    _record(version, A.IMPORTED, actor, note)
    return entries


@transaction.atomic
def publish_version(
    *, actor: User, version: CatalogueVersion, effective_on: date | None = None
) -> CatalogueVersion:
    """N5: the draft becomes a published version, in force from its date
    (today or later) until a later one's. The process copies (CATALOGUE)
    are rebuilt by the version's save."""
    require_keeper(actor)
    version = _draft(version.pk)
    effective_on = effective_on or version.effective_on
    if effective_on < timezone.localdate():
        raise InvalidInput(
            _("A version takes effect today or later: choose another date."),
            field="effective_on",
        )
    if not version.entries.exists():
        raise InvalidInput(_("An empty catalogue cannot be published."))
    version.state = V.PUBLISHED
    version.effective_on = effective_on
    version.published_by = actor
    version.published_at = timezone.now()
    version.save()
    _record(version, A.PUBLISHED, actor, effective_on.isoformat())
    return version
