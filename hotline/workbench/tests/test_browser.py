"""One case carried by clicks through the whole workflow, each step by the
right demo user in a real Chromium; and the queue's countdown colours."""

import os
import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from hotline.cases.tests.conftest import Flow, at
from hotline.organisation.demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.skipif(
        not Path(os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")).exists(),
        reason="needs Chromium: apt-get install chromium",
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
    city.get_by_label("县(市)区信访局").select_option(label="鼓楼区信访局（信访局）")
    city.get_by_role("button", name="批转").click()
    expect(city.get_by_test_id("case-state")).to_have_text("待批转")

    gulou = as_user("gulou_bureau")
    gulou.goto(case_url)
    gulou.get_by_test_id("action-dispatch").click()
    gulou.get_by_role("searchbox").first.fill("城市管理")  # narrows the long unit list
    gulou.get_by_label("承办（牵头）单位").select_option(label="鼓楼区城市管理局（承办单位）")
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
