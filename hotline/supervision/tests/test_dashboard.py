"""The dashboard's numbers agree with the lists behind them (R11)."""

import itertools
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


def test_the_dashboard_opens_on_the_current_month_and_lists_every_unit_R11(
    november,  # noqa: F811
    client,
    clock,
):
    clock("2026-11-20 10:00")
    client.force_login(User.objects.get(username="city_supervisor"))
    html = client.get("/supervision/dashboard/").content.decode()
    assert 'name="from" value="2026-11-01"' in html and 'name="to" value="2026-11-30"' in html
    units = re.search(r'<table data-testid="units">.*?</table>', html, re.S).group(0)
    # A unit with nothing this month is listed with its zeros.
    quiet = re.search(r"<tr>\s*<td>福州市交通运输局</td>(.*?)</tr>", units, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", quiet)[:8] == ["0"] * 8
    assert "福州市城市管理委员会" in units and "鼓楼区城市管理局" in units
    assert units.count("<tr>") > 80  # every department and bureau of the city


def test_empty_charts_say_there_is_no_data_yet(client, db):
    client.force_login(User.objects.get(username="city_supervisor"))
    html = client.get("/supervision/dashboard/").content.decode()
    assert html.count('data-testid="chart-empty">暂无数据<') == 2 and "<svg" not in html


def test_month_labels_are_short_centred_and_never_overlap():
    from hotline.portal.stats import bars, label_width

    # November 2025 to October 2026, as the dashboard shows them in November.
    months = [(f"{2025 + (m > 12)}-{(m - 1) % 12 + 1:02d}", m * 10) for m in range(11, 23)]
    chart = bars(months)
    assert not chart["turned"] and not chart["empty"]
    drawn = chart["bars"]
    assert [b["short"] for b in drawn[:3]] == ["11月", "12月", "1月"]
    assert [b["year"] for b in drawn] == ["2025年", "", "2026年"] + [""] * 9
    for left, right in itertools.pairwise(drawn):
        gap = right["centre"] - left["centre"]
        assert (label_width(left["short"]) + label_width(right["short"])) / 2 < gap
    for b in drawn:  # centred under its own bar
        assert b["x"] <= b["centre"] - label_width(b["short"]) / 2
        assert b["centre"] + label_width(b["short"]) / 2 <= b["x"] + chart["pitch"]
    # Labels too wide for a bar are turned, with room made under the bars.
    long = bars([("城市管理综合执法", 3), ("住房和城乡建设", 2)])
    assert long["turned"] and long["room"] >= 0.7 * label_width("城市管理综合执法")
    assert bars([("2026-11", 0), ("2026-12", None)])["empty"]


def test_the_dashboard_draws_its_labels_as_laid_out(november, client, clock):  # noqa: F811
    clock("2026-12-01 09:00")
    client.force_login(User.objects.get(username="city_supervisor"))
    html = client.get("/supervision/dashboard/").content.decode()
    svg = re.search(r'<svg[^>]*aria-label="每月受理诉求量"[^>]*>.*?</svg>', html, re.S).group(0)
    labels = re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" class="label">', svg)
    assert len(labels) == 12
    drawn_text = re.sub(r"<title>.*?</title>", "", svg)
    assert "11月" in drawn_text and "2026年" in drawn_text and "2026-11" not in drawn_text
    assert [float(x) for x in labels] == sorted(float(x) for x in labels)
