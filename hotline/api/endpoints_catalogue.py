"""The dispatch catalogue (N5), read: reference data like the categories,
so every token and session reads it."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Schema

from hotline.catalogue.actions import in_force
from hotline.catalogue.models import CatalogueVersion

from .endpoints_reads import router


class CatalogueUnitOut(Schema):
    id: int
    name: str


class CatalogueEntryOut(Schema):
    id: int
    category_id: int
    category: str = Field(..., description="The matter: the category's name.")
    sub_matter: str
    keywords: list[str]
    district: str | None = Field(None, description="None: the whole city.")
    street: str = Field(..., description="A street or town matched in the location.")
    unit: CatalogueUnitOut = Field(..., description="The responsible unit, or the lead unit.")
    co_units: list[CatalogueUnitOut] = Field(..., description="Co-handlers of the lead unit.")


class CatalogueOut(Schema):
    version: int
    effective_on: date
    published_at: str | None
    note: str
    entries: list[CatalogueEntryOut]


class CatalogueQuery(Schema):
    on: date = Field(None, description="The version in force on this day (default today).")


def _unit(unit) -> dict:
    return {"id": unit.pk, "name": unit.name}


@router.get("/catalogue", response=CatalogueOut, summary="The dispatch catalogue in force (N5)")
def get_catalogue(request, query: Query[CatalogueQuery]):
    """The published version in force (today, or on `on`) with its entries,
    in the catalogue's order; 404 when none is in force."""
    version: CatalogueVersion | None = in_force(query.on or timezone.localdate())
    if version is None:
        raise Http404
    entries = version.entries.select_related("category", "district", "unit").prefetch_related(
        "co_units"
    )
    return {
        "version": version.number,
        "effective_on": version.effective_on,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "note": version.note,
        "entries": [
            {
                "id": e.pk,
                "category_id": e.category_id,
                "category": e.category.name,
                "sub_matter": e.sub_matter,
                "keywords": list(e.keyword_list),
                "district": e.district.name if e.district else None,
                "street": e.street,
                "unit": _unit(e.unit),
                "co_units": [_unit(u) for u in sorted(e.co_units.all(), key=lambda u: u.pk)],
            }
            for e in entries
        ],
    }
