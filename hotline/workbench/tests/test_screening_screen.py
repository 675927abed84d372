"""Issue 15, through the test client: the screening screen (accept,
classify and dispatch in one submit), the unit picker, the district
warning, the deadlines shown before sending, and a refusal that needs a
reason and a confirmation."""

import re

import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.models import Case, RefusalReason
from hotline.cases.tests.conftest import unit
from hotline.notifications.models import Message
from hotline.organisation.models import Unit
from hotline.workbench.tests.test_workbench import login

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


def screen_data(case, **changes):
    data = {"expected_version": case.version, "count": 1, "mode": "public", "p0-mode": "sole"}
    data.update(changes)
    return data


def options(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)


def test_the_case_page_offers_the_screening_screen(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    page = login(client, "city_dispatcher").get(f"/cases/{case.number}/").content.decode()
    assert f'href="/cases/{case.number}/screen/"' in page and "受理并批转" in page


def test_the_screen_suggests_the_categorys_unit_and_shows_the_deadlines_R7_R8_2(
    client, clock, flow
):
    clock("2026-11-26 10:00")  # Thursday
    case = flow.phone_case()
    page = login(client, "city_dispatcher").get(f"/cases/{case.number}/screen/").content.decode()
    suggested = unit(CGW)
    assert f'data-pick="{suggested.pk}"' in page  # a one-click choice
    assert re.search(rf'<option value="{suggested.pk}"[^>]*selected', page)  # chosen already
    # Read within 2 working days (to Monday's end), reply within 10.
    assert "2026-11-30 24:00" in page and "2026-12-10 24:00" in page
    assert "（承办单位）" not in page


def test_the_unit_list_is_in_pinyin_order_and_carries_aliases_and_initials(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    page = login(client, "city_dispatcher").get(f"/cases/{case.number}/screen/").content.decode()
    names = options(page, "p0-unit")
    assert (
        names.index("福州市城市管理委员会")
        < names.index("福州市公安局")
        < names.index("福州市园林中心")
    )
    assert "鼓楼数据信息服务中心" not in names and "福州市信访局" not in names
    option = re.search(r"<option[^>]*data-search=\"([^\"]+)\"[^>]*>福州市城市管理委员会<", page)
    assert "城管" in option.group(1).split() and "cgw" in option.group(1).split()


def test_one_submit_accepts_classifies_and_dispatches_with_the_instruction_R4(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    login(client, "city_dispatcher")
    response = client.post(
        f"/cases/{case.number}/screen/",
        screen_data(case, **{"p0-unit": unit(CGW).pk, "p0-instruction": "请今日派员核查。"}),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "handling"
    assert [e.action for e in case.events.all()][-3:] == ["accept", "classify", "dispatch"]
    # The receiving unit reads the instruction.
    page = login(client, "city_handler").get(f"/cases/{case.number}/").content.decode()
    assert "批转意见" in page and "请今日派员核查。" in page


def test_a_refused_screening_keeps_what_was_typed_and_changes_nothing_R6(client, clock, flow):
    """R6(1): an internal case about an official goes to the discipline
    commission; a department is refused, in Chinese, with the form kept."""
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    login(client, "city_dispatcher")
    response = client.post(
        f"/cases/{case.number}/screen/",
        screen_data(
            case,
            mode="internal",
            reason=1,
            **{"p0-unit": unit(CGW).pk, "p0-instruction": "请严肃核查。"},
        ),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "不能办理此诉求件" in page and "请严肃核查。" in page
    case.refresh_from_db()
    assert case.state == "screening" and not case.events.filter(action="accept").exists()


def test_a_location_in_another_district_is_warned_about_not_blocked(client, clock, flow):
    """Issue 15: 仓山区金山街道 went to 鼓楼区信访局 with no warning."""
    clock("2026-11-26 10:00")
    case = flow.phone_case(location="仓山区金山街道")
    login(client, "city_dispatcher")
    gulou = unit("鼓楼区信访局")
    data = screen_data(case, **{"p0-mode": "district", "p0-district_bureau": gulou.pk})
    warned = client.post(f"/cases/{case.number}/screen/", data)
    page = warned.content.decode()
    assert warned.status_code == 200 and 'data-testid="district-warning"' in page
    assert "仓山区" in page and 'name="district_confirmed"' in page
    case.refresh_from_db()
    assert case.state == "screening"
    confirmed = re.search(r'name="district_confirmed" value="([^"]*)"', page).group(1)
    # Another unit of another district, chosen after the warning, is warned of again.
    other = unit("台江区信访局")
    again = client.post(
        f"/cases/{case.number}/screen/",
        {**data, "p0-district_bureau": other.pk, "district_confirmed": confirmed},
    )
    assert again.status_code == 200 and 'data-testid="district-warning"' in again.content.decode()
    sent = client.post(f"/cases/{case.number}/screen/", {**data, "district_confirmed": confirmed})
    assert sent.status_code == 302
    assert case.parts.get().holder_bureau == gulou


def test_no_warning_when_the_district_matches(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case(location="仓山金山街道")
    login(client, "city_dispatcher")
    data = screen_data(
        case, **{"p0-mode": "district", "p0-district_bureau": unit("仓山区信访局").pk}
    )
    assert client.post(f"/cases/{case.number}/screen/", data).status_code == 302


def test_only_the_city_dispatcher_screens_and_only_a_case_to_screen(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    assert login(client, "gulou_bureau").get(f"/cases/{case.number}/screen/").status_code == 404
    flow.accept(case)
    login(client, "city_dispatcher")
    assert client.get(f"/cases/{case.number}/screen/").status_code == 404


def test_a_refusal_has_no_default_reason_R3(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    login(client, "city_dispatcher")
    page = client.get(f"/cases/{case.number}/").content.decode()
    select = re.search(r'<select name="refuse-\d+-reason".*?</select>', page, re.S).group(0)
    assert 'value="" selected' in select
    response = client.post(
        f"/cases/{case.number}/act/refuse/case/{case.pk}/",
        {f"refuse-{case.pk}-expected_version": case.version, f"refuse-{case.pk}-reason": ""},
    )
    assert response.status_code == 400 and "请选择不予受理的原因" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "screening"


def test_a_refusal_shows_the_exact_message_and_waits_for_confirmation_R3(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    login(client, "city_dispatcher")
    url = f"/cases/{case.number}/act/refuse/case/{case.pk}/"
    data = {
        f"refuse-{case.pk}-expected_version": case.version,
        f"refuse-{case.pk}-reason": RefusalReason.NOT_ADMINISTRATION,
        f"refuse-{case.pk}-note": "交通信号灯配时问题",
    }
    confirm = client.post(url, data)
    page = confirm.content.decode()
    expected = actions.refusal_message(case, RefusalReason.NOT_ADMINISTRATION)
    assert confirm.status_code == 200 and expected in page and "不可撤销" in page
    case.refresh_from_db()
    assert case.state == "screening" and not case.messages.filter(kind="refusal").exists()
    back = client.post(url, {**data, "revise": "1"}).content.decode()
    assert "交通信号灯配时问题" in back  # nothing typed is lost
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "refused"
    assert case.messages.get(kind=Message.Kind.REFUSAL).text == expected


def test_return_and_take_back_offer_only_units_that_handle_cases_R8_3(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    assignment = flow.to(case, CGW)
    page = login(client, "city_handler").get(f"/cases/{case.number}/").content.decode()
    names = options(page, f"return-{assignment.pk}-suggested_unit")
    kinds = set(Unit.objects.filter(name__in=names).values_list("kind", flat=True))
    assert kinds <= {"department", "discipline_commission", "efficiency_office"}
    assert "鼓楼区信访局" not in names and "鼓楼数据信息服务中心" not in names
    assert "鼓楼区城市管理局" in names


def test_the_dispatch_page_warns_about_another_district_too(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case(location="仓山区金山街道")
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("仓山区信访局")))
    part = case.parts.get()
    # The district bureau of 鼓楼 would not see it; 仓山's bureau sends it to
    # one of its own units, no warning.
    from hotline.cases.tests.conftest import staff

    client.force_login(staff("仓山区信访局", "dispatcher"))
    data = {
        "expected_version": Case.objects.get(pk=case.pk).version,
        "count": 1,
        "p0-mode": "sole",
        "p0-unit": unit("仓山区城市管理局").pk,
    }
    assert client.post(f"/cases/{case.number}/dispatch/{part.pk}/", data).status_code == 302
