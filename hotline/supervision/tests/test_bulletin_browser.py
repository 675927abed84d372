"""In Chromium: a supervisor previews a month's bulletin, publishes it and
gets its document number; the dashboard's month labels never overlap, at
a phone's width or a desktop's (R11)."""

import itertools
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from hotline.cases.tests.conftest import Flow, at
from hotline.workbench.tests.test_browser import as_user  # noqa: F401
from hotline.workbench.tests.test_browser import pytestmark as browser_marks

pytestmark = browser_marks


def test_a_supervisor_previews_then_publishes_the_bulletin_R11(as_user, live_server):  # noqa: F811
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    page = as_user("city_supervisor")
    page.goto(f"{live_server.url}/supervision/")
    page.get_by_label("月份").fill(f"{last_month:%Y-%m}")
    page.get_by_role("button", name="预览通报").click()
    expect(page.get_by_role("heading", name=re.compile("通报预览"))).to_be_visible()
    expect(page.get_by_test_id("doc-number")).to_contain_text("发布时编号")
    expect(page.get_by_test_id("unit-table")).to_contain_text("综合得分")
    page.get_by_test_id("regenerate").click()
    expect(page.get_by_test_id("doc-number")).to_contain_text("发布时编号")
    page.get_by_test_id("publish").click()
    number = f"榕12345通〔{timezone.localdate().year}〕1号"
    expect(page.locator("ul.messages")).to_contain_text(f"已发布：{number}")
    expect(page.get_by_text(number).first).to_be_visible()


@pytest.mark.parametrize("width", [360, 1366])
def test_the_dashboard_s_month_labels_do_not_overlap(as_user, live_server, width):  # noqa: F811
    page = as_user("city_supervisor")
    month = timezone.localdate().replace(day=1)
    for _ in range(12):  # a case in each of the twelve months drawn
        with time_machine.travel(at(f"{month:%Y-%m}-01 08:00"), tick=False):
            Flow().phone_case(content=f"{month:%m}月的诉求")
        month = (month - timedelta(days=1)).replace(day=1)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/supervision/dashboard/")
    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    for i in range(charts.count()):
        boxes = [
            label.bounding_box() for label in charts.nth(i).locator("text.label:not(.year)").all()
        ]
        assert len(boxes) == 12
        for left, right in itertools.pairwise(boxes):
            assert left["x"] + left["width"] <= right["x"], (width, left, right)
        assert min(box["height"] for box in boxes) >= 4  # big enough to read at this width
