"""The dispatch catalogue as a spreadsheet (N5): imported into the open
draft row by row, with a report of the rows rejected (row number and
reason, in the user's language), and exported with the same columns, so a
catalogue exported, edited in Excel and imported again is the same."""

import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from hotline.cases.errors import InvalidInput, WorkflowError
from hotline.cases.models import Category
from hotline.cases.sheets import Rejected, cell_text, named_rows, workbook_rows
from hotline.organisation.models import District, Unit, User
from hotline.organisation.naming import aliases_of, short_district_name

from . import actions
from .actions import EntryText
from .models import CatalogueEntry, CatalogueVersion

COLUMNS = {
    "事项": "category",
    "子事项": "sub_matter",
    "关键词": "keywords",
    "区县": "district",
    "街道": "street",
    "责任单位": "unit",
    "牵头单位": "lead",
    "协办单位": "co",
}
HEADINGS = tuple(COLUMNS)
REQUIRED_COLUMNS = ("事项",)


@dataclass
class Report:
    version: CatalogueVersion | None = None
    imported: list[CatalogueEntry] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def _category(name: str) -> Category:
    if not name:
        raise InvalidInput(_("The matter (事项) is missing."))
    found = Category.objects.filter(Q(name=name) | Q(code=name), is_active=True).first()
    if found is None:
        raise InvalidInput(_("No category is called “%(name)s”.") % {"name": name})
    return found


def _district(name: str) -> District | None:
    if not name:
        return None
    for district in District.objects.all():
        if name in (district.name, short_district_name(district.name)):
            return district
    raise InvalidInput(_("No district is called “%(name)s”.") % {"name": name})


def _unit(name: str, district: District | None) -> Unit:
    """A unit by its name, or by an alias among the units of the entry's
    district (城管 in 鼓楼区 is 鼓楼区城市管理局), else of the city."""
    exact = Unit.objects.filter(name=name, is_active=True).first()
    if exact is not None:
        return exact
    nearby = Unit.objects.filter(aliases__contains=name, is_active=True, district=district)
    matching = [u for u in nearby if name in aliases_of(u.aliases)]
    if len(matching) != 1:
        raise InvalidInput(_("No unit is called “%(name)s”.") % {"name": name})
    return matching[0]


def entry_text(cells: dict) -> EntryText:
    """One row as an entry: 责任单位 alone, or 牵头单位 with 协办单位."""
    district = _district(cell_text(cells.get("district")))
    sole, lead = cell_text(cells.get("unit")), cell_text(cells.get("lead"))
    co = [n for n in aliases_of(cell_text(cells.get("co"))) if n]
    if sole and (lead or co):
        raise InvalidInput(
            _(
                "Give either the responsible unit (责任单位) or a lead unit (牵头单位) with "
                "co-handlers (协办单位), not both."
            )
        )
    if not sole and not lead:
        raise InvalidInput(_("The responsible unit (责任单位) is missing."))
    if lead and not co:
        raise InvalidInput(_("A lead unit (牵头单位) needs its co-handling units (协办单位)."))
    return EntryText(
        category=_category(cell_text(cells.get("category"))),
        sub_matter=cell_text(cells.get("sub_matter")),
        keywords=cell_text(cells.get("keywords")),
        district=district,
        street=cell_text(cells.get("street")),
        unit=_unit(sole or lead, district),
        co=tuple(_unit(name, district) for name in co),
    )


def _rows(source):
    """The named columns of every row under the heading, numbered as in Excel."""
    columns = {name: (heading,) for heading, name in COLUMNS.items()}
    required = tuple(COLUMNS[heading] for heading in REQUIRED_COLUMNS)
    return named_rows(workbook_rows(source), columns, required)


@transaction.atomic
def import_workbook(
    source, *, actor: User, effective_on: date | None = None, note: str = ""
) -> Report:
    """N5: every good row of the first sheet becomes an entry of the open
    draft (a new draft from `effective_on` if none is open), replacing the
    draft's entries; each bad row is reported and left out. A file with no
    good row changes nothing."""
    actions.require_keeper(actor)
    report = Report()
    texts = []
    for row, cells in _rows(source):
        try:
            texts.append(actions.checked(entry_text(cells)))
        except WorkflowError as error:
            report.rejected.append(Rejected(row, error.message))
    if not texts:
        return report
    draft = CatalogueVersion.objects.filter(state=CatalogueVersion.State.DRAFT).first()
    if draft is None:
        if effective_on is None:
            raise InvalidInput(
                _("No draft is open: give the date the imported version takes effect."),
                field="effective_on",
            )
        draft = actions.draft_version(actor=actor, effective_on=effective_on, note=note)
    report.version = draft
    report.imported = actions.replace_entries(
        actor=actor,
        version=draft,
        texts=texts,
        note=_("%(count)s rows imported, %(rejected)s rejected")
        % {"count": len(texts), "rejected": len(report.rejected)},
    )
    return report


def export_workbook(version: CatalogueVersion) -> bytes:
    """The version's entries under the import's headings (xlsxwriter)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(f"派单目录v{version.number}")
    bold = book.add_format({"bold": True})
    for column, heading in enumerate(HEADINGS):
        sheet.write(0, column, heading, bold)
    sheet.set_column(0, len(HEADINGS) - 1, 18)
    entries = version.entries.select_related("category", "district", "unit").prefetch_related(
        "co_units"
    )
    for row, entry in enumerate(entries, start=1):
        co = sorted(entry.co_units.all(), key=lambda u: u.pk)
        values = [
            entry.category.name,
            entry.sub_matter,
            entry.keywords,
            entry.district.name if entry.district else "",
            entry.street,
            "" if co else entry.unit.name,
            entry.unit.name if co else "",
            "、".join(u.name for u in co),
        ]
        for column, value in enumerate(values):
            sheet.write_string(row, column, value)
    book.close()
    return out.getvalue()
