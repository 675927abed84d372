"""The catalogue on the screening screen and the dispatch form, the reason
asked for against it, and the figure that counts it (N5)."""

import re

import pytest

from hotline.cases.actions import PartPlan
from hotline.cases.models import Category
from hotline.cases.tests.conftest import unit
from hotline.supervision.figures import against_catalogue
from hotline.workbench.tests.test_workbench import login

pytestmark = pytest.mark.django_db


def screen_data(case, **changes):
    data = {"expected_version": case.version, "count": 1, "mode": "public", "p0-mode": "sole"}
    data.update(changes)
    return data


def test_the_screen_offers_the_catalogue_as_one_click_choices_N5(client, clock, flow, catalogue):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="楼下工地夜间施工，噪音扰民。")
    client = login(client, "city_dispatcher")
    page = client.get(f"/cases/{case.number}/screen/").content.decode()
    assert "派单目录建议" in page
    assert "目录：夜间施工噪音（全市）→ 福州市城乡建设局（牵头），福州市生态环境局协办" in page
    choices = re.findall(r'<a class="chip" href="\?use=(\d+)"[^>]*data-mode="(\w+)"', page)
    assert [mode for _entry, mode in choices] == ["joint", "sole"]
    # The first is filled in already: a lead with its co-handler.
    assert re.search(r'<option value="joint" selected>', page)
    lead, co = unit("福州市城乡建设局"), unit("福州市生态环境局")
    assert re.search(rf'<option value="{lead.pk}"[^>]*selected', page)
    assert re.search(rf'<option value="{co.pk}"[^>]*selected', page)
    # Without JavaScript, the other choice is a link that fills the form.
    other = client.get(f"/cases/{case.number}/screen/?use={choices[1][0]}").content.decode()
    assert re.search(rf'<option value="{unit("福州市城市管理委员会").pk}"[^>]*selected', other)
    assert re.search(r'<option value="sole" selected>', other)


def test_sending_it_elsewhere_asks_for_the_reason_in_words_N5(client, clock, flow, catalogue):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="小区里垃圾无人清运。")
    client = login(client, "city_dispatcher")
    elsewhere = {"p0-unit": unit("福州市水利局").pk}
    refused = client.post(f"/cases/{case.number}/screen/", screen_data(case, **elsewhere))
    text = refused.content.decode()
    assert refused.status_code == 400
    assert (
        "派单目录为：目录：城市管理（全市）→ 福州市城市管理委员会。如派往其他单位，请填写理由。"
        in text
    )
    assert "未按派单目录派单的理由" in text
    case.refresh_from_db()
    assert case.state == "screening"
    sent = client.post(
        f"/cases/{case.number}/screen/",
        screen_data(case, **elsewhere, **{"p0-against_catalogue": "河道保洁属水利局。"}),
    )
    assert sent.status_code == 302
    page = client.get(f"/cases/{case.number}/").content.decode()
    against = re.search(r'data-testid="against-catalogue">([^<]+)<', page).group(1)
    assert against.replace(" ", "") == "未按派单目录：河道保洁属水利局。"


def test_the_district_bureaus_dispatch_form_offers_its_own_units_N5(client, clock, flow, catalogue):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content="有人在路边摆摊占道。", location="鼓楼区南街")
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    part = case.parts.get()
    page = login(client, "gulou_bureau").get(f"/cases/{case.number}/dispatch/{part.pk}/")
    text = page.content.decode()
    assert "目录：占道经营（鼓楼区）→ 鼓楼区城市管理局" in text
    assert re.search(rf'<option value="{unit("鼓楼区城市管理局").pk}"[^>]*selected', text)


def test_dispatches_against_the_catalogue_are_counted_per_dispatcher_and_month_N5(
    client, clock, flow, catalogue
):
    clock("2026-12-01 09:00")
    for content, code, plan in (
        ("小区里垃圾无人清运。", "CG", PartPlan(sole=unit("福州市城市管理委员会"))),
        ("垃圾堵塞河道。", "CG", PartPlan(sole=unit("福州市水利局"), against_catalogue="河道")),
        ("建议多开公园。", "QT", PartPlan(sole=unit("福州市园林中心"))),
    ):
        case = flow.phone_case(content=content, category=Category.objects.get(code=code))
        flow.accept(case)
        flow.dispatch(case, plan)
    figures = against_catalogue(clock_day(), clock_day())
    (row,) = figures["by_dispatcher"]
    assert (row["name"], row["bureau"], row["dispatched"], row["against"]) == (
        "林志强",
        "福州市信访局",
        3,
        1,
    )
    assert [(m["month"].strftime("%Y-%m"), m["against"]) for m in figures["by_month"]] == [
        ("2026-12", 1)
    ]
    page = login(client, "city_supervisor").get(
        "/supervision/dashboard/?from=2026-12-01&to=2026-12-01"
    )
    text = page.content.decode()
    assert "未按目录派单" in text
    assert re.search(r"<td>林志强</td><td>福州市信访局</td><td>3</td><td>.*>1</a></td><td>33", text)
    listed = login(client, "city_supervisor").get(
        f"/supervision/against-catalogue/?dispatcher={flow.city_dispatcher.pk}"
        "&from=2026-12-01&to=2026-12-01"
    )
    rows = listed.content.decode()
    assert rows.count('data-testid="against-row"') == 1
    assert "河道" in rows and "目录：城市管理（全市）→ 福州市城市管理委员会" in rows


def clock_day():
    from datetime import date

    return date(2026, 12, 1)
