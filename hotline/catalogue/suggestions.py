"""What the dispatch catalogue suggests for a case (N5), as the screening
screen and the dispatch form offer it and as the dispatch verb checks a
plan against it.

An entry names the units that handle the matter; a bureau sends a case to
the units it dispatches to. So an entry whose units are its own children
is suggested as they are; to the city bureau, an entry naming units of one
district is suggested as passing the case to that district's bureau, which
dispatches it on. An entry the bureau cannot send to is not suggested."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.reference.revisions import NOT_READ

from .matching import Rule, matching
from .models import CATALOGUE

SOLE, JOINT, DISTRICT = "sole", "joint", "district"


@dataclass(frozen=True)
class Suggestion:
    mode: str  # SOLE, JOINT or DISTRICT, as the dispatch form's modes
    unit_id: int | None  # the sole or lead unit
    unit_name: str
    co_ids: tuple[int, ...]
    co_names: tuple[str, ...]
    district_bureau_id: int | None
    district_bureau_name: str
    reason: str  # in words: 目录：占道经营（鼓楼区）→ 鼓楼区城市管理局
    entry_id: int
    version_number: int

    def follows(self, plan) -> bool:
        """Whether a dispatch plan (cases.actions.PartPlan) sends the part
        where this suggestion does."""

        def pk(unit):
            return unit.pk if unit is not None else None

        if self.mode == DISTRICT:
            return pk(plan.district_bureau) == self.district_bureau_id
        if self.mode == SOLE:
            return pk(plan.sole) == self.unit_id
        return pk(plan.lead) == self.unit_id and {u.pk for u in plan.co} == set(self.co_ids)


def _reason(rule: Rule) -> str:
    matter = rule.sub_matter or rule.category_name
    area = rule.street or rule.district or _("whole city")
    if rule.district and rule.street:
        area = f"{rule.district}{rule.street}"
    units = rule.lead.name
    if rule.co:
        units = _("%(lead)s (lead), with %(co)s") % {
            "lead": rule.lead.name,
            "co": "、".join(u.name for u in rule.co),
        }
    return _("Catalogue: %(matter)s (%(area)s) → %(units)s") % {
        "matter": matter,
        "area": area,
        "units": units,
    }


def _for_bureau(rule: Rule, bureau, version_number: int) -> Suggestion | None:
    units = rule.units
    common = {"reason": _reason(rule), "entry_id": rule.entry_id, "version_number": version_number}
    if all(u.parent_id == bureau.pk for u in units):
        return Suggestion(
            mode=JOINT if rule.co else SOLE,
            unit_id=rule.lead.id,
            unit_name=rule.lead.name,
            co_ids=tuple(u.id for u in rule.co),
            co_names=tuple(u.name for u in rule.co),
            district_bureau_id=None,
            district_bureau_name="",
            **common,
        )
    parents = {u.parent_id for u in units}
    if len(parents) == 1 and all(u.grandparent_id == bureau.pk for u in units):
        return Suggestion(
            mode=DISTRICT,
            unit_id=None,
            unit_name="",
            co_ids=(),
            co_names=(),
            district_bureau_id=parents.pop(),
            district_bureau_name=rule.lead.parent_name,
            **common,
        )
    return None


def suggest_from_catalogue(
    case, bureau=None, *, on: date | None = None, token=NOT_READ
) -> list["Suggestion"]:
    """N5: the catalogue in force's suggestions for `case`, as `bureau` (the
    city bureau unless given) sends it, best first, each place once.
    `token`: the reference revision a verb read beside the case."""
    if bureau is None:
        from hotline.cases.actions import city_bureau

        bureau = city_bureau(case)
    catalogue = CATALOGUE.get(token)
    version = catalogue.in_force(on or timezone.localdate())
    if version is None:
        return []
    found, seen = [], set()
    for rule in matching(
        version.rules,
        category_id=case.category_id,
        content=case.content,
        location=case.location,
        districts=catalogue.districts,
    ):
        suggestion = _for_bureau(rule, bureau, version.number)
        if suggestion is None:
            continue
        key = (
            suggestion.mode,
            suggestion.unit_id,
            suggestion.co_ids,
            suggestion.district_bureau_id,
        )
        if key not in seen:
            seen.add(key)
            found.append(suggestion)
    return found
