"""Which entries of the dispatch catalogue fit a case (N5). Pure: no Django.

An entry names a matter (a category, optionally a sub-matter with keywords)
and an area (the whole city, a district, or a street or town within it).
A case fits an entry when its matter does and the area its location names
does. Keywords find a matter the agent filed under another category, or
none, so an entry's keyword found in the content counts even across
categories, below an entry of the case's own category."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hotline.organisation.naming import districts_named


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    parent_id: int | None
    parent_name: str
    # The parent's parent: the city bureau above a district bureau.
    grandparent_id: int | None


@dataclass(frozen=True)
class Rule:
    entry_id: int
    category_id: int
    category_name: str
    sub_matter: str
    keywords: tuple[str, ...]
    district: str  # "" for the whole city
    street: str
    lead: UnitRef  # the responsible unit, or the lead unit
    co: tuple[UnitRef, ...]

    @property
    def units(self) -> tuple[UnitRef, ...]:
        return (self.lead, *self.co)


@dataclass(frozen=True)
class Version:
    id: int
    number: int
    effective_on: date
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Catalogue:
    """Every published version, oldest first, and the city's district names."""

    versions: tuple[Version, ...]
    districts: tuple[str, ...]

    def in_force(self, on: date) -> Version | None:
        """The published version with the latest effective date not after `on`."""
        found = None
        for version in self.versions:
            if version.effective_on <= on:
                found = version
        return found


def keywords_of(text: str) -> tuple[str, ...]:
    """Keywords as written, separated by spaces or Chinese or Latin commas."""
    for separator in "，,、;；":
        text = (text or "").replace(separator, " ")
    return tuple(dict.fromkeys(text.split()))


def _score(rule: Rule, category_id: int | None, text: str, named: set[str], place: str):
    hit = any(k in text for k in rule.keywords)
    same = category_id is not None and rule.category_id == category_id
    if not (hit or (same and not rule.keywords)):
        return None
    if rule.district and rule.district not in named:
        return None
    if rule.street and rule.street not in place:
        return None
    area = 2 if rule.street else 1 if rule.district else 0
    return (same, hit, area)


def matching(
    rules: Iterable[Rule], *, category_id: int | None, content: str, location: str, districts
) -> list[Rule]:
    """The rules that fit, best first: the case's own category before
    another's, a keyword found before none, a street before a district
    before the whole city; then in catalogue order."""
    place = location or ""
    text = f"{content or ''} {place}"
    named = districts_named(place, districts) or districts_named(text, districts)
    scored = []
    for position, rule in enumerate(rules):
        score = _score(rule, category_id, text, named, f"{place} {content or ''}")
        if score is not None:
            scored.append((tuple(-s for s in score), position, rule))
    return [rule for *_key, rule in sorted(scored, key=lambda row: row[:2])]
