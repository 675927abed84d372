"""One case carried by clicks through the whole workflow, each step by the
right demo user in a real Chromium; and the queue's countdown colours."""

import os
import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from hotline.cases.actions import refusal_message
from hotline.cases.models import RefusalReason
from hotline.cases.tests.conftest import Flow, at, unit
from hotline.organisation.demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.skipif(
        not Path(os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")).exists(),
        reason="needs Chromium: apt-get install chromium (screenshots: fonts-noto-cjk)",
    ),
    pytest.mark.django_db(transaction=True),
]
SHOTS = os.environ.get("HOTLINE_SCREENSHOTS")


def shoot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def as_user(browser, live_server, committed_demo):
    """A logged-in page for a demo user, each in its own browser context."""
    pages = {}

    def open_as(username):
        if username not in pages:
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="登录").click()
            expect(page.get_by_role("heading", name=re.compile("我的待办"))).to_be_visible()
            pages[username] = page
        return pages[username]

    yield open_as
    for page in pages.values():
        page.context.close()


def act(page, action, fill=None, button=None):
    form = page.get_by_test_id(f"action-{action}")
    for label, value in (fill or {}).items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name=button).click() if button else form.locator(
        "button[type=submit]"
    ).first.click()
    expect(page.locator("ul.messages")).to_be_visible()


def test_one_case_by_clicks_from_intake_to_close(as_user, live_server):
    url = live_server.url
    agent = as_user("agent")
    agent.goto(f"{url}/intake/")
    agent.get_by_label("电话").fill("13805912345")
    agent.get_by_label("姓名").fill("林女士")
    agent.get_by_label("诉求内容").fill(
        "鼓楼区温泉路人行道被占道经营，行人只能走机动车道，存在安全隐患。"
    )
    agent.get_by_label("地点").fill("鼓楼区温泉路")
    agent.get_by_label("同意公开").check()
    agent.get_by_label("投诉").check()
    # htmx looked the number up while it was typed (D7)
    expect(agent.locator("#caller")).to_contain_text("该号码没有历史诉求")
    shoot(agent, "intake")
    agent.get_by_role("button", name="登记并转送市信访局").click()
    heading = agent.get_by_role("heading", level=1)
    expect(heading).to_contain_text("FZ")
    number = re.search(r"FZ\d{13}", heading.inner_text()).group(0)
    case_url = f"{url}/cases/{number}/"

    city = as_user("city_dispatcher")
    city.goto(f"{url}/")
    expect(city.get_by_role("link", name=number)).to_be_visible()
    shoot(city, "queue")
    city.goto(case_url)
    act(city, "accept")
    city.get_by_test_id("action-classify").get_by_label("网上公开办理").check()
    act(city, "classify")
    city.get_by_test_id("action-dispatch").click()
    city.get_by_label("批转给").select_option(label="县(市)区信访局")
    city.get_by_label("县(市)区信访局").select_option(label="鼓楼区信访局")
    city.get_by_role("button", name="批转").click()
    expect(city.get_by_test_id("case-state")).to_have_text("待批转")

    gulou = as_user("gulou_bureau")
    gulou.goto(case_url)
    gulou.get_by_test_id("action-dispatch").click()
    gulou.get_by_role("searchbox").first.fill("城市管理")  # narrows the long unit list
    gulou.get_by_label("承办（牵头）单位").select_option(label="鼓楼区城市管理局")
    gulou.get_by_role("button", name="批转").click()
    expect(gulou.get_by_test_id("case-state")).to_have_text("办理中")

    handler, leader = as_user("gulou_handler"), as_user("gulou_leader")
    handler.goto(case_url)
    act(handler, "read")
    leader.goto(case_url)
    act(leader, "instruct", {"批办意见": "请执法中队今日核查处理。"})
    handler.goto(case_url)
    act(handler, "draft_reply", {"办理情况": "已清理占道摊点。"})
    leader.goto(case_url)
    act(leader, "approve_reply")

    gulou.get_by_test_id("acting").select_option(label="鼓楼区信访局 · 审核员")
    gulou.get_by_role("button", name="切换").click()
    gulou.goto(case_url)
    shoot(gulou, "case_detail")
    act(gulou, "review", {"审核意见（退回时必填）": "未说明长效管理措施。"}, button="退回重新办理")
    expect(gulou.get_by_text("未说明长效管理措施。").first).to_be_visible()

    handler.goto(case_url)
    act(handler, "draft_reply", {"办理情况": "已清理占道摊点，并纳入每日巡查。"})
    leader.goto(case_url)
    act(leader, "approve_reply")
    gulou.goto(case_url)
    act(gulou, "review", button="审核通过")

    reviewer = as_user("city_reviewer")
    reviewer.goto(case_url)
    act(reviewer, "close")
    expect(reviewer.get_by_test_id("case-state")).to_have_text("已办结")
    expect(reviewer.get_by_text("反馈结果并办结").first).to_be_visible()


def test_queue_countdown_turns_amber_then_red(as_user, live_server, settings):
    # The clock jumps days ahead; a session would end after 8 idle hours.
    settings.SESSION_COOKIE_AGE = 7 * 24 * 3600
    flow = Flow()
    with time_machine.travel(at("2026-11-26 10:00"), tick=False):
        case = flow.web_case()
    page = as_user("city_dispatcher")
    row = page.get_by_test_id("task").filter(has_text=case.number)
    badge = row.locator(".countdown .badge").first
    colours = {}
    for when, level in (
        ("2026-11-26 11:00", "ok"),
        ("2026-11-27 15:00", "soon"),
        ("2026-11-28 09:00", "breached"),
    ):
        with time_machine.travel(at(when), tick=False):
            page.goto(f"{live_server.url}/")
            expect(row).to_have_class(f"due-{level}")
            colours[level] = badge.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colours == {
        "ok": "rgb(218, 251, 225)",
        "soon": "rgb(255, 248, 197)",
        "breached": "rgb(255, 235, 233)",
    }


def test_a_case_is_screened_in_one_submit(as_user, live_server):
    """Issue 15: accept, classify and dispatch were 7 clicks and 4 page
    loads; now the screening screen, a suggested unit and one submit."""
    with time_machine.travel(at("2026-11-26 10:00"), tick=False):
        case = Flow().phone_case(location="鼓楼区东街口")  # 城市管理: 城管委 suggested
    city = as_user("city_dispatcher")
    city.goto(f"{live_server.url}/cases/{case.number}/")
    loads, clicks = [], 0
    city.on("load", lambda page: loads.append(page.url))

    city.get_by_test_id("action-screen").click()
    clicks += 1
    unit_list = city.get_by_label("承办（牵头）单位")
    cgw = str(unit("福州市城市管理委员会").pk)
    expect(unit_list).to_have_value(cgw)  # the category's suggestion, chosen already
    expect(city.get_by_label("网上公开办理")).to_be_checked()
    expect(city.get_by_test_id("deadlines")).to_contain_text("答复")
    # The picker finds a unit by its pinyin initials (公安局: gaj); the
    # suggestion is one click away again.
    city.get_by_role("searchbox").first.fill("gaj")
    expect(unit_list).to_have_value(str(unit("福州市公安局").pk))
    city.get_by_role("button", name="福州市城市管理委员会").click()
    clicks += 1
    expect(unit_list).to_have_value(cgw)
    city.get_by_label("批转意见").fill("请今日派员核查，依法处理。")
    shoot(city, "screening")
    city.get_by_test_id("screen-submit").click()
    clicks += 1

    expect(city.get_by_test_id("case-state")).to_have_text("办理中")
    expect(city.get_by_test_id("dispatch-instruction")).to_contain_text("请今日派员核查")
    assert (clicks, len(loads)) == (3, 2)


def test_a_refusal_needs_a_reason_and_shows_the_requesters_message_first(as_user, live_server):
    """R3, issue 15: a traffic-light complaint was refused in one click for
    "breaks the constitution or laws", with no confirmation."""
    with time_machine.travel(at("2026-11-26 10:00"), tick=False):
        case = Flow().web_case(content="五一路口红绿灯时间太短，老人过不去马路。")
    city = as_user("city_dispatcher")
    city.goto(f"{live_server.url}/cases/{case.number}/")
    form = city.get_by_test_id("action-refuse")
    reason = form.get_by_label("理由")
    expect(reason).to_have_value("")  # no reason chosen for the dispatcher
    form.get_by_role("button", name="不予受理").click()
    expect(city.get_by_test_id("case-state")).to_have_text("市信访局审查中")

    reason.select_option(label="不属于行政管理职能范畴")
    form.get_by_role("button", name="不予受理").click()
    message = city.get_by_test_id("requester-message")
    expect(message).to_have_text(refusal_message(case, RefusalReason.NOT_ADMINISTRATION))
    shoot(city, "refusal_confirmation")
    city.get_by_role("button", name="确认：不予受理").click()
    expect(city.get_by_test_id("case-state")).to_have_text("不予受理")


def test_a_location_in_another_district_is_warned_about_before_sending(as_user, live_server):
    """Issue 15: a case located in 仓山区金山街道 went to 鼓楼区信访局 with
    no warning. Now the picker warns as the unit is chosen, and the server
    once more before sending; the dispatcher may still send it."""
    with time_machine.travel(at("2026-11-26 10:00"), tick=False):
        case = Flow().phone_case(location="仓山区金山街道")
    city = as_user("city_dispatcher")
    city.goto(f"{live_server.url}/cases/{case.number}/screen/")
    live = city.get_by_test_id("live-district-warning")
    expect(live).to_be_hidden()
    city.get_by_label("批转给").select_option(label="县(市)区信访局")
    bureaus = city.locator("#id_p0-district_bureau")
    bureaus.locator("xpath=preceding-sibling::input[1]").fill("gl")  # 鼓楼: initials
    expect(bureaus).to_have_value(str(unit("鼓楼区信访局").pk))
    expect(live).to_be_visible()
    bureaus.select_option(label="仓山区信访局")
    expect(live).to_be_hidden()
    bureaus.select_option(label="鼓楼区信访局")
    city.get_by_test_id("screen-submit").click()
    expect(city.get_by_test_id("district-warning")).to_contain_text("仓山区")
    city.get_by_role("button", name="仍然受理并批转").click()
    expect(city.get_by_test_id("case-state")).to_have_text("待批转")


def test_an_administrator_enters_2026_from_the_state_council_text_D1(
    as_user, live_server, settings
):
    """D1: the warning on the administrator's queue leads to the calendar
    page; the 2026 notice pasted as published, previewed and confirmed gives
    back exactly the shipped 2026 days, recorded with who and why."""
    from hotline.calendar.models import CalendarChange, CalendarYear
    from hotline.calendar.tests.test_notice import NOTICE_2026
    from hotline.calendar.workdays import load_shipped_data

    settings.SESSION_COOKIE_AGE = 7 * 24 * 3600
    CalendarYear.objects.filter(year=2026).delete()
    url = live_server.url
    admin = as_user("admin")
    with time_machine.travel(at("2026-01-05 09:00")):
        admin.goto(f"{url}/")
        admin.get_by_test_id("calendar-warning").get_by_role("link").click()
        expect(admin.get_by_role("heading", level=1)).to_contain_text("2026年节假日安排")
        expect(admin.locator("#notice-text")).to_have_value(
            re.compile("二、春节：2月16日至19日放假")
        )
        admin.locator("#notice-text").fill(NOTICE_2026)
        admin.get_by_label("来源").fill("国办发明电〔2025〕7号")
        admin.get_by_role("button", name="检查并预览").click()
        preview = admin.get_by_test_id("calendar-preview")
        expect(preview.get_by_test_id("calendar-counts")).to_contain_text(
            "22个放假日和6个调休上班日"
        )
        expect(preview.locator('td[data-date="2026-02-20"]')).to_have_class("day holiday")
        expect(preview.locator('td[data-date="2026-02-28"]')).to_have_class("day workday")
        expect(preview.locator('td[data-date="2026-02-21"]')).to_have_class("day weekend")
        expect(preview.get_by_test_id("calendar-error")).to_have_count(0)
        shoot(admin, "calendar-preview")
        admin.get_by_label("变更原因").fill("国务院办公厅通知已发布")
        admin.get_by_test_id("confirm").click()
        expect(admin.locator("ul.messages")).to_contain_text("2026年节假日安排已确认")
    stored = CalendarYear.objects.get(year=2026)
    shipped = load_shipped_data()[0][2026]
    assert stored.confirmed
    assert {d.date for d in stored.days.filter(kind="holiday")} == shipped.holidays
    assert {d.date for d in stored.days.filter(kind="workday")} == shipped.workdays
    change = CalendarChange.objects.get(year=2026)
    assert change.by.username == "admin" and change.reason == "国务院办公厅通知已发布"


def tiny_png() -> bytes:
    """A real 1×1 PNG, so the browser can show it."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_handler_replies_from_a_template_with_a_photo_R8_2(
    as_user, live_server, settings, tmp_path
):
    """R8.2: the handler fills the reply in from the unit's template, adds a
    photo of the repair, saves a draft, comes back and submits it; the
    leader sees the whole reply with the photo."""
    from hotline.cases import actions
    from hotline.cases.models import ReplyTemplate
    from hotline.cases.tests.conftest import staff
    from hotline.organisation.models import Unit

    settings.MEDIA_ROOT = tmp_path / "media"
    cgw = "福州市城市管理委员会"
    flow = Flow()
    case = flow.web_case()
    assignment = flow.to(case, cgw)
    actions.read_assignment(actor=staff(cgw, "handler"), assignment=assignment)
    actions.instruct_assignment(
        actor=staff(cgw, "leader"), assignment=assignment, instruction="请核实后答复。"
    )
    ReplyTemplate.objects.create(
        unit=Unit.objects.get(name=cgw),
        title="路灯维修",
        content="已安排维修人员更换损坏灯具。",
        remaining_problems="部分线路老化。",
        measures="纳入每月巡查。",
    )
    photo = tmp_path / "修复后.png"
    photo.write_bytes(tiny_png())
    case_url = f"{live_server.url}/cases/{case.number}/"

    handler = as_user("city_handler")
    handler.goto(case_url)
    handler.get_by_test_id("use-template").get_by_label("从模板填写").select_option(
        label="路灯维修"
    )
    handler.get_by_role("button", name="填入").click()
    form = handler.get_by_test_id("action-draft_reply")
    expect(form.get_by_label("办理情况")).to_have_value("已安排维修人员更换损坏灯具。")
    expect(form.get_by_label("解决措施或建议")).to_have_value("纳入每月巡查。")
    form.get_by_label("办理情况").fill("已安排维修人员更换损坏灯具，已亮灯。")
    form.get_by_label("照片或文件（图片或PDF）").set_input_files(str(photo))
    act(handler, "draft_reply", button="保存草稿")

    handler.goto(case_url)  # later: the draft and its photo are still there
    expect(handler.get_by_test_id("draft-saved")).to_be_visible()
    expect(handler.get_by_test_id("draft-photos")).to_contain_text("修复后.png")
    form = handler.get_by_test_id("action-draft_reply")
    expect(form.get_by_label("办理情况")).to_have_value("已安排维修人员更换损坏灯具，已亮灯。")
    act(handler, "draft_reply", button="提交领导审批")

    leader = as_user("city_leader")
    leader.goto(case_url)
    reply = leader.locator(".reply").last
    expect(reply).to_contain_text("已安排维修人员更换损坏灯具，已亮灯。")
    expect(reply).to_contain_text("纳入每月巡查。")
    image = reply.get_by_test_id("reply-photos").locator("img")
    expect(image).to_be_visible()
    assert image.evaluate("i => i.complete && i.naturalWidth") == 1
    shoot(leader, "reply_with_photo")
