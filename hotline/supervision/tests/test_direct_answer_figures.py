"""The figures of request types and direct answers (N1, N3) match a hand
count, whether a day is settled or counted live.

The verb that answers a consultation directly is built elsewhere; these
tests make such a case as it leaves it: registered as a consultation, then
(through the ORM) closed at once citing the article version."""

from datetime import date

import pytest
from django.test import Client

from hotline.cases.models import Case, Category
from hotline.cases.request_types import request_type
from hotline.cases.tests.conftest import at
from hotline.knowledge.tests.factories import published_article
from hotline.organisation.models import Unit, User
from hotline.supervision import bulletins, dashboard
from hotline.supervision.figures import settle_past_days

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1), date(2026, 11, 30)
POLICE = "福州市公安局"


def answered_directly(flow, version, *, category="CG", when=None):
    """A consultation answered on the call from `version` (N3)."""
    case = flow.phone_case(
        request_type=request_type("consultation"),
        category=Category.objects.get(code=category),
        forward=False,
    )
    Case.objects.filter(pk=case.pk).update(
        answered_with=version, state="closed", closed_at=when or case.received_at
    )
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def month(flow, clock):
    """November 2026: three direct answers (two from one article), a
    complaint and a help request; one direct answer rated dissatisfied;
    an article never cited, and one past its review-by date."""
    clock("2026-11-02 10:00")
    residence = published_article(review_by=date(2027, 6, 1))
    unused = published_article(title="护照办理", keywords="护照", review_by=date(2027, 6, 1))
    stale = published_article(title="旧条目", keywords="旧", review_by=date(2026, 11, 10))
    a = answered_directly(flow, residence)
    flow.phone_case(request_type=request_type("complaint"))
    clock("2026-11-05 10:00")
    b = answered_directly(flow, residence, category="GA")
    flow.phone_case()  # 求助, the type a verb's caller gives none
    c = answered_directly(flow, stale)
    Case.objects.filter(pk=b.pk).update(
        satisfaction="dissatisfied", rated_at=at("2026-11-05 11:00")
    )
    clock("2026-11-20 09:00")
    return {"cases": (a, b, c), "unused": unused, "stale": stale}


def _expected_by_type():
    return {"咨询": 3, "求助": 1, "投诉": 1, "举报": 0, "建议": 0, "表扬": 0}


def test_the_bulletin_counts_types_and_direct_answers_by_hand_N1_N3(month):
    numbers = bulletins.numbers(*NOVEMBER)
    assert numbers["received"] == 5
    assert numbers["by_request_type"] == _expected_by_type()
    assert numbers["direct_answers"] == 3
    assert numbers["direct_answer_rate"] == 60.0  # 3 of the 5 received
    by_category = {row["category"]: row for row in numbers["direct_by_category"]}
    cg = Category.objects.get(code="CG").name
    ga = Category.objects.get(code="GA").name
    assert by_category[cg]["direct_answers"] == 2 and by_category[cg]["received"] == 4
    assert by_category[ga] == {"category": ga, "received": 1, "direct_answers": 1, "rate": 100.0}
    (agent,) = numbers["direct_by_agent"]
    assert (agent["received"], agent["direct_answers"], agent["rate"]) == (5, 3, 60.0)
    # Two articles cited; the passport one is current and never cited; the
    # old one is past its review-by date at the end of the month.
    assert numbers["articles"] == {"used": 2, "unused": 1, "past_review": 1}
    assert numbers["direct_dissatisfied"] == [{"unit": POLICE, "count": 1}]


def test_settled_days_count_types_and_direct_answers_as_live_N1_N3(month):
    live = bulletins.numbers(*NOVEMBER)
    assert settle_past_days() > 0
    settled = bulletins.numbers(*NOVEMBER)
    assert settled == live


def test_a_retyped_case_moves_in_the_figures_of_its_day_N1(month, flow):
    from hotline.cases import actions

    settle_past_days()
    complaint = Case.objects.get(request_type__code="complaint")
    actions.retype_case(
        actor=flow.city_dispatcher, case=complaint, request_type=request_type("report")
    )
    by_type = bulletins.numbers(*NOVEMBER)["by_request_type"]
    assert by_type == {**_expected_by_type(), "投诉": 0, "举报": 1}


def test_the_dashboard_shows_the_direct_answer_rate_N3(month):
    client = Client()
    client.force_login(User.objects.get(username="city_supervisor"))
    page = client.get("/supervision/dashboard/", {"from": "2026-11-01", "to": "2026-11-30"})
    assert page.status_code == 200, page.content[:300]
    text = page.content.decode()
    assert 'data-testid="direct-rate">60.0<' in text
    assert 'data-testid="direct-count">3<' in text
    assert 'data-testid="articles-past-review">1<' in text
    police = Unit.objects.get(name=POLICE)
    assert f'data-testid="n-{police.pk}-direct_dissatisfied"' in text
    assert dashboard.direct_answers(*NOVEMBER)["by_type"] == _expected_by_type()


def test_the_bulletin_sheets_show_the_direct_answers_N3(month):
    from hotline.supervision.bulletins import Sheet, html, xlsx

    numbers = bulletins.numbers(*NOVEMBER)
    sheet = Sheet("福州市效能办", None, ["通报"], *NOVEMBER, date(2026, 12, 1), "榕12345通", 2026)
    body = html(sheet, numbers)
    assert "直接答复3件，直接答复率60.0%" in body
    assert "咨询3件" in body
    assert len(xlsx(sheet, numbers)) > 0
