"""The dashboard's numbers agree with the lists behind them (R11)."""

import re

import pytest

from hotline.organisation.models import User
from hotline.supervision.dashboard import MEASURES, drill, rows
from hotline.supervision.tests.test_bulletins import november  # noqa: F401

pytestmark = pytest.mark.django_db


def test_every_number_is_the_count_of_its_list_R11(november, client):  # noqa: F811
    from datetime import date

    from hotline.organisation.models import Unit

    start, end = date(2026, 11, 1), date(2026, 11, 30)
    table = rows(start, end, Unit.objects.all())
    assert table, "the month has activity"
    for row in table:
        for measure in MEASURES:
            listed, _cases = drill(measure, row["unit"], start, end)
            assert listed.count() == row[measure], (row["unit"], measure)
    client.force_login(User.objects.get(username="city_supervisor"))
    page = client.get("/supervision/dashboard/", {"from": "2026-11-01", "to": "2026-11-30"})
    html = page.content.decode()
    links = re.findall(r'data-testid="n-(\d+)-(\w+)" href="([^"]+)">(\d+)<', html)
    assert links
    for _unit, _measure, href, shown in links:
        behind = client.get(href.replace("&amp;", "&")).content.decode()
        assert f'data-testid="count">{shown}<' in behind


def test_the_dashboard_sorts_by_a_measure(november, client):  # noqa: F811
    client.force_login(User.objects.get(username="city_supervisor"))
    page = client.get(
        "/supervision/dashboard/", {"from": "2026-11-01", "to": "2026-11-30", "sort": "late_reads"}
    )
    assert page.status_code == 200 and "福州市城市管理委员会" in page.content.decode()
    client.force_login(User.objects.get(username="city_handler"))
    assert client.get("/supervision/dashboard/").status_code == 403
