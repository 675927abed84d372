"""The responsibility roster and its history (R10)."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from hotline.organisation.models import Role, RoleGrant, RosterChange, User
from hotline.organisation.roster import grant_role, revoke_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    return User.objects.create_user(username="newcomer", password="x-secret-123", name="新同事")


def test_granting_and_revoking_is_recorded_with_who_and_when_R10(person, unit, newcomer):
    admin, bureau = person("admin"), unit("福州市教育局")
    with time_machine.travel("2026-11-26 09:30 +0800", tick=False):
        grant = grant_role(actor=admin, person=newcomer, unit=bureau, role=Role.HANDLER)
    with time_machine.travel("2026-12-02 15:00 +0800", tick=False):
        revoke_role(actor=admin, grant=grant)
    history = list(RosterChange.objects.filter(person=newcomer).order_by("changed_at"))
    assert [(c.change, c.role, c.unit, c.changed_by) for c in history] == [
        ("added", "handler", bureau, admin),
        ("removed", "handler", bureau, admin),
    ]
    assert [c.changed_at.isoformat() for c in history] == [
        "2026-11-26T01:30:00+00:00",
        "2026-12-02T07:00:00+00:00",
    ]
    assert not RoleGrant.objects.filter(user=newcomer).exists()


def test_roster_history_cannot_be_rewritten_R10(person, unit, newcomer):
    grant_role(actor=person("admin"), person=newcomer, unit=unit("福州市教育局"), role="handler")
    change = RosterChange.objects.get(person=newcomer)
    change.role = "leader"
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        change.delete()


def test_a_leader_names_the_handlers_of_their_own_unit_R10(person, unit, newcomer):
    leader = person("city_leader")
    grant_role(actor=leader, person=newcomer, unit=unit("福州市城市管理委员会"), role="handler")
    with pytest.raises(PermissionDenied):  # not another unit's handlers
        grant_role(actor=leader, person=newcomer, unit=unit("福州市教育局"), role="handler")
    with pytest.raises(PermissionDenied):  # not leaders
        grant_role(actor=leader, person=newcomer, unit=unit("福州市城市管理委员会"), role="leader")


@pytest.mark.parametrize("actor", ["agent", "city_handler", "city_supervisor", "city_dispatcher"])
def test_other_staff_cannot_change_rosters_R10(person, unit, newcomer, actor):
    with pytest.raises(PermissionDenied):
        grant_role(actor=person(actor), person=newcomer, unit=unit("福州市教育局"), role="handler")
    assert not RosterChange.objects.filter(person=newcomer).exists()


@pytest.mark.parametrize(
    ("role", "unit_name", "ok"),
    [
        ("agent", "鼓楼数据信息服务中心", True),
        ("agent", "福州市教育局", False),  # agents work in the service center
        ("dispatcher", "鼓楼区信访局", True),
        ("dispatcher", "鼓楼区教育局", False),  # dispatchers work in a bureau
        ("reviewer", "福州市效能办", False),
        ("supervisor", "福州市效能办", True),
        ("supervisor", "福州市信访局", False),  # supervisors work in an efficiency office
        ("leader", "福州市纪委监委", True),  # every unit names a leader in charge (R10)
        ("handler", "鼓楼区信访局", True),
    ],
)
def test_roles_fit_the_kind_of_unit_R4_R10(person, unit, newcomer, role, unit_name, ok):
    if ok:
        grant_role(actor=person("admin"), person=newcomer, unit=unit(unit_name), role=role)
    else:
        with pytest.raises(ValidationError):
            grant_role(actor=person("admin"), person=newcomer, unit=unit(unit_name), role=role)
        assert not RosterChange.objects.filter(person=newcomer).exists()


def test_the_same_role_twice_is_refused(person, unit):
    with pytest.raises(ValidationError):
        grant_role(
            actor=person("admin"),
            person=person("city_handler"),
            unit=unit("福州市城市管理委员会"),
            role="handler",
        )


def test_admin_add_form_records_the_change_and_explains_a_refusal_R10(
    client, person, unit, newcomer
):
    client.force_login(person("admin"))
    ok = client.post(
        "/admin/organisation/rolegrant/add/",
        {"user": newcomer.pk, "unit": unit("福州市教育局").pk, "role": "leader"},
    )
    assert ok.status_code == 302
    assert RosterChange.objects.filter(person=newcomer, role="leader", change="added").exists()
    refused = client.post(
        "/admin/organisation/rolegrant/add/",
        {"user": newcomer.pk, "unit": unit("福州市教育局").pk, "role": "agent"},
    )
    assert refused.status_code == 200
    assert "不能" in refused.content.decode()


def test_roster_page_shows_names_and_history_to_staff_R10(client, person, unit, newcomer):
    education = unit("福州市教育局")
    grant_role(actor=person("admin"), person=newcomer, unit=education, role="handler")
    client.force_login(person("agent"))
    listing = client.get("/organisation/").content.decode()
    assert "福州市教育局" in listing and "鼓楼区信访局" in listing
    detail = client.get(f"/organisation/units/{education.pk}/").content.decode()
    assert "新同事" in detail
    assert "分管领导" in detail
    assert "系统管理员" in detail  # who made the change


def test_roster_pages_need_a_login(client, unit):
    response = client.get("/organisation/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
