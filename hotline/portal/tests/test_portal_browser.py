"""The portal on a phone (360 px wide) in a real Chromium: submit, track,
and after the workflow closes the case, read the published reply without
the requester's details and rate it."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hotline.cases.actions import PartPlan
from hotline.cases.models import Case
from hotline.cases.tests.conftest import Flow, unit

pytestmark = [
    pytest.mark.skipif(
        not Path(os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")).exists(),
        reason="needs Chromium: apt-get install chromium (screenshots: fonts-noto-cjk)",
    ),
    pytest.mark.django_db(transaction=True),
]
SHOTS = os.environ.get("HOTLINE_SCREENSHOTS")
PHONE = {"width": 360, "height": 740}


def shoot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"portal_{name}.png"), full_page=True)


@pytest.fixture
def phone(browser, committed_demo):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    yield context.new_page()
    context.close()


def close_case(number):
    flow = Flow()
    case = Case.objects.get(number=number)
    flow.accept(case)
    flow.dispatch(case, PartPlan(sole=unit("福州市城市管理委员会")))
    assignment = case.assignments.get()
    flow.handle(assignment, reply="已于当日更换损坏灯具，路灯恢复照明。")
    flow.review(assignment.part)
    flow.close(case)


def test_submit_track_read_and_rate_on_a_phone(phone, live_server):
    url = live_server.url
    phone.goto(f"{url}/portal/")
    shoot(phone, "home")
    phone.get_by_role("link", name="提交诉求").first.click()
    expect(phone.get_by_text("110")).not_to_have_count(0)
    phone.get_by_label("您要反映什么问题？").fill(
        "我是刘女士，电话13912345678，小区门口路灯坏了一个月。"
    )
    phone.get_by_role("textbox", name="地点").fill("晋安区岳峰镇")
    phone.get_by_label("您的姓名").fill("刘女士")
    phone.get_by_label("手机号码").fill("13912345678")
    phone.get_by_label("同意", exact=True).check()
    phone.get_by_role("radio", name=re.compile("^求助")).check()
    shoot(phone, "submit")
    phone.get_by_role("button", name="提交诉求").click()
    number = phone.get_by_test_id("number").inner_text()
    code = phone.get_by_test_id("code").inner_text()
    assert re.fullmatch(r"FZ\d{13}", number) and len(code) == 10
    shoot(phone, "submitted")

    phone.get_by_role("link", name="查询进度").last.click()
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询").click()
    expect(phone.get_by_test_id("status")).to_have_text("已收到，正在审查")

    close_case(number)

    phone.goto(f"{url}/portal/published/")
    record = phone.get_by_test_id("record").filter(has_text=number)
    expect(record).to_contain_text("路灯恢复照明")
    record.get_by_role("link", name=number).click()
    body = phone.locator("main").inner_text()
    assert "刘女士" not in body and "13912345678" not in body
    assert "刘**" in body
    shoot(phone, "published")

    phone.goto(f"{url}/portal/track/?number={number}")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询").click()
    expect(phone.get_by_test_id("result")).to_contain_text("路灯恢复照明")
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_label("意见").fill("修得很快")
    shoot(phone, "rate")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_test_id("rate")).to_have_count(0)
    assert Case.objects.get(number=number).satisfaction == "satisfied"
    # Nothing is wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_internal_case_is_not_found_without_its_code_D8(phone, live_server):
    flow = Flow()
    case = flow.web_case(content="反映某窗口工作人员作风问题。", disclosure_allowed=False)
    flow.accept(case, mode="internal", reason=4)
    flow.dispatch(case, PartPlan(sole=unit("福州市城市管理委员会")))
    assignment = case.assignments.get()
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(case)
    url = live_server.url
    phone.goto(f"{url}/portal/published/?q=作风")
    expect(phone.get_by_test_id("record")).to_have_count(0)
    assert phone.goto(f"{url}/portal/published/{case.number}/").status == 404
    phone.goto(f"{url}/portal/track/?number={case.number}")
    phone.get_by_label("查询码").fill("AAAAAAAAAA")
    phone.get_by_role("button", name="查询").click()
    expect(phone.get_by_role("alert")).to_contain_text("没有与该编号和查询码相符的诉求件")
    assert "作风" not in phone.locator("main").inner_text()
