"""Which catalogue entries fit a case, table by table, without a database (N5)."""

from datetime import date

import pytest

from hotline.catalogue.matching import Catalogue, Rule, UnitRef, Version, keywords_of, matching

CG, SC = 1, 2
DISTRICTS = ("鼓楼区", "仓山区", "闽侯县")


def rule(entry_id, category_id, keywords="", district="", street=""):
    unit = UnitRef(entry_id, f"单位{entry_id}", 1, "市信访局", None)
    return Rule(
        entry_id, category_id, "类别", "", keywords_of(keywords), district, street, unit, ()
    )


RULES = (
    rule(1, CG),
    rule(2, CG, "摆摊 占道"),
    rule(3, CG, "摆摊", district="鼓楼区"),
    rule(4, CG, "摆摊", district="鼓楼区", street="东街"),
    rule(5, SC, "过期"),
    rule(6, CG, district="闽侯县"),
)


@pytest.mark.parametrize(
    "category, content, location, expected",
    [
        (CG, "垃圾无人清运", "", [1]),
        (CG, "路边摆摊", "", [2, 1]),
        (CG, "路边摆摊", "鼓楼区南街", [3, 2, 1]),
        (CG, "路边摆摊", "鼓楼东街口", [4, 3, 2, 1]),
        (CG, "路边摆摊", "仓山区金山街道", [2, 1]),
        (None, "路边摆摊", "", [2]),
        (SC, "路边摆摊，食品过期", "", [5, 2]),
        (CG, "垃圾无人清运", "闽侯县上街镇", [6, 1]),
        (None, "建议多开公园", "", []),
    ],
)
def test_the_entries_that_fit_best_first_N5(category, content, location, expected):
    found = matching(
        RULES, category_id=category, content=content, location=location, districts=DISTRICTS
    )
    assert [r.entry_id for r in found] == expected


def test_the_version_in_force_is_the_latest_effective_N5():
    catalogue = Catalogue(
        versions=(
            Version(1, 1, date(2026, 1, 1), ()),
            Version(2, 2, date(2026, 12, 10), ()),
            Version(3, 3, date(2026, 12, 10), ()),
        ),
        districts=DISTRICTS,
    )
    assert catalogue.in_force(date(2025, 12, 31)) is None
    assert catalogue.in_force(date(2026, 12, 9)).number == 1
    assert catalogue.in_force(date(2026, 12, 10)).number == 3


def test_keywords_are_separated_by_any_comma_or_space_N5():
    assert keywords_of("井盖，窨井,下水道、 井盖  排水") == ("井盖", "窨井", "下水道", "排水")
