"""Units, districts and roles (R4, R10)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hotline.organisation.models import District, Role, Unit

pytestmark = pytest.mark.django_db

FUZHOU_DIVISIONS = [
    *("鼓楼区", "台江区", "仓山区", "晋安区", "马尾区", "长乐区"),
    *("福清市", "闽侯县", "连江县", "罗源县", "闽清县", "永泰县"),
]


def test_a_district_unit_needs_its_district_and_a_city_unit_has_none_R4():
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name="无区县的区直单位", kind="department", level="district")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            name="有区县的市直单位",
            kind="department",
            level="city",
            district=District.objects.get(name="鼓楼区"),
        )


@pytest.mark.parametrize(
    ("name", "level", "district", "parent", "ok"),
    [
        # a city department reports to the city bureau
        ("新市直单位", "city", None, "福州市信访局", True),
        # a district department reports to its own district's bureau
        ("鼓楼区新单位", "district", "鼓楼区", "鼓楼区信访局", True),
        # ... not to another district's bureau
        ("鼓楼区错挂单位", "district", "鼓楼区", "台江区信访局", False),
        # ... nor to a department
        ("鼓楼区挂部门", "district", "鼓楼区", "鼓楼区教育局", False),
        # a city unit does not report to a district bureau
        ("市直挂区", "city", None, "鼓楼区信访局", False),
    ],
)
def test_the_unit_tree_follows_the_dispatch_hierarchy_R4(unit, name, level, district, parent, ok):
    """R4: city bureau → city departments and district bureaus → district departments."""
    candidate = Unit(
        name=name,
        kind="department",
        level=level,
        district=District.objects.get(name=district) if district else None,
        parent=unit(parent),
    )
    if ok:
        candidate.full_clean()
    else:
        with pytest.raises(ValidationError):
            candidate.full_clean()


def test_fuzhou_demo_has_the_city_bodies_and_twelve_districts_R4():
    city = Unit.objects.filter(level="city")
    assert city.filter(kind="department").count() >= 20
    for kind in [
        "petition_bureau",
        "service_center",
        "efficiency_office",
        "discipline_commission",
        "info_center",
        "general_office",
    ]:
        assert city.filter(kind=kind).exists(), kind
    assert sorted(District.objects.values_list("name", flat=True)) == sorted(FUZHOU_DIVISIONS)
    for district in District.objects.all():
        units = district.units.all()
        for kind in ["petition_bureau", "efficiency_office", "discipline_commission"]:
            assert units.filter(kind=kind).count() == 1, (district, kind)
        assert units.filter(kind="department").count() >= 3, district
        bureau = units.get(kind="petition_bureau")
        assert bureau.parent.name == "福州市信访局"
        assert set(units.exclude(pk=bureau.pk).values_list("parent", flat=True)) == {bureau.pk}


def test_every_demo_unit_names_a_leader_in_charge_and_a_handler_R10():
    for u in Unit.objects.all():
        roles = set(u.role_grants.values_list("role", flat=True))
        assert {Role.LEADER, Role.HANDLER} <= roles, u


def test_a_person_can_hold_several_roles(person, unit):
    gulou = person("gulou_bureau")
    assert gulou.holds(Role.DISPATCHER, unit("鼓楼区信访局"))
    assert gulou.holds(Role.REVIEWER, unit("鼓楼区信访局"))
    assert not gulou.holds(Role.DISPATCHER, unit("福州市信访局"))
