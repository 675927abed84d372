"""The catalogue's one-click choices on the screening screen, in Chromium (N5)."""

import time_machine
from playwright.sync_api import expect

from hotline.cases.tests.conftest import Flow, at, unit
from hotline.catalogue.demo import load_demo_catalogue
from hotline.workbench.tests.test_browser import as_user, pytestmark  # noqa: F401


def test_a_catalogue_choice_fills_the_plan_in_place_N5(as_user, live_server):  # noqa: F811
    """N5: the catalogue's first suggestion is filled in; another is one
    click, with no page load; sending it as the catalogue says needs no
    reason and the timeline says so."""
    with time_machine.travel(at("2026-12-01 10:00"), tick=False):
        load_demo_catalogue()
        case = Flow().phone_case(content="楼下工地夜间施工，噪音扰民。")
    city = as_user("city_dispatcher")
    city.goto(f"{live_server.url}/cases/{case.number}/screen/")
    mode, unit_list = city.locator("#id_p0-mode"), city.locator("#id_p0-unit")
    expect(mode).to_have_value("joint")
    expect(unit_list).to_have_value(str(unit("福州市城乡建设局").pk))
    loads = []
    city.on("load", lambda page: loads.append(page.url))
    city.get_by_test_id("catalogue-choice").nth(1).click()
    expect(mode).to_have_value("sole")
    expect(unit_list).to_have_value(str(unit("福州市城市管理委员会").pk))
    assert loads == []
    city.get_by_test_id("screen-submit").click()
    expect(city.get_by_test_id("case-state")).to_have_text("办理中")
    expect(city.get_by_test_id("catalogue-followed")).to_contain_text(
        "目录：城市管理（全市）→ 福州市城市管理委员会"
    )
