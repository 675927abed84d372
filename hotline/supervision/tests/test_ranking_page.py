"""R12 in the workbench: the annual ranking page, and the city office's
commendation of the best units once the year is over."""

import pytest
from django.test import Client

from hotline.cases import actions
from hotline.cases.tests.test_clocks import CGW
from hotline.organisation.models import User
from hotline.supervision.models import BulletinEntry

pytestmark = pytest.mark.django_db


def login(username):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def rated_year(flow, clock):
    clock("2026-11-02 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    flow.handle(assignment)
    flow.review(assignment.part)
    actions.rate_case(case=flow.close(assignment.case), satisfaction="satisfied")
    clock("2027-01-04 09:00")


def test_the_ranking_shows_the_last_year_by_score_R12(rated_year):
    page = login("city_supervisor").get("/supervision/ranking/").content.decode()
    assert "2026" in page and CGW in page
    assert 'data-testid="score">100.0<' in page
    assert 'data-testid="commend"' in page


def test_the_city_office_commends_once_R12(rated_year):
    city = login("city_supervisor")
    answer = city.post("/supervision/ranking/commend/", {"year": "2026", "top": "3"}, follow=True)
    assert answer.status_code == 200
    [entry] = BulletinEntry.objects.filter(kind="commendation", year=2026)
    assert entry.unit.name == CGW
    assert entry.text in answer.content.decode()
    assert 'data-testid="commend"' not in answer.content.decode()
    city.post("/supervision/ranking/commend/", {"year": "2026", "top": "3"})
    assert BulletinEntry.objects.filter(kind="commendation").count() == 1


def test_a_district_office_sees_its_units_and_cannot_commend_R12(rated_year):
    district = login("gulou_supervisor")
    page = district.get("/supervision/ranking/", {"year": "2026"}).content.decode()
    assert CGW not in page and 'data-testid="commend"' not in page
    answer = district.post("/supervision/ranking/commend/", {"year": "2026", "top": "1"})
    assert answer.status_code == 403
    assert not BulletinEntry.objects.filter(kind="commendation").exists()


@pytest.mark.parametrize("year", ["", "abc", "1", "99999", "2100"])
def test_an_odd_year_shows_last_year(rated_year, year):
    answer = login("city_supervisor").get("/supervision/ranking/", {"year": year})
    assert answer.status_code == 200


def test_staff_who_are_not_supervisors_are_refused(rated_year):
    assert login("city_dispatcher").get("/supervision/ranking/").status_code == 403
