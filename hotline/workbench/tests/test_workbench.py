"""The workbench pages, through Django's test client."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.models import Case
from hotline.cases.tests.conftest import at, staff, unit

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


def login(client, who):
    from hotline.organisation.models import User

    user = who if not isinstance(who, str) else User.objects.get(username=who)
    client.force_login(user)
    return client


def intake_data(**changes):
    data = {
        "submission": str(uuid.uuid4()),
        "channel": "phone",
        "phone": "13805912345",
        "name": "张三",
        "kind": "person",
        "content": "东街口夜间施工噪音扰民，影响休息，请尽快处理。",
        "location": "东街口",
        "disclosure_allowed": "yes",
        "request_type": "complaint",
    }
    data.update(changes)
    return data


def test_intake_registers_and_forwards_R5(client, clock):
    clock("2026-11-26 10:00")
    response = login(client, "agent").post("/intake/", intake_data())
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.state == "screening" and case.registered_by.username == "agent"


def test_a_double_submit_makes_one_case(client, clock):
    clock("2026-11-26 10:00")
    login(client, "agent")
    data = intake_data()
    first = client.post("/intake/", data)
    second = client.post("/intake/", data)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"content": ""}, "这个字段是必填项"),  # required, next to the field
        ({"phone": ""}, "须填写电话号码"),  # the verb's rule, next to the phone
        ({"phone": "12ab"}, "电话号码格式不正确"),
    ],
)
def test_intake_errors_are_shown_in_chinese_and_keep_the_input(client, clock, changes, message):
    clock("2026-11-26 10:00")
    response = login(client, "agent").post("/intake/", intake_data(**changes))
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert "东街口" in page  # what the agent typed is still there
    assert not Case.objects.exists()


def test_an_attachment_must_really_be_a_pdf_or_an_image(client, clock):
    clock("2026-11-26 10:00")
    login(client, "agent")
    fake = SimpleUploadedFile("fax.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post("/intake/", {**intake_data(), "attachment": fake})
    assert response.status_code == 400 and "不是PDF或图片" in response.content.decode()
    assert not Case.objects.exists()
    real = SimpleUploadedFile("fax.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    client.post("/intake/", {**intake_data(), "attachment": real})
    assert Case.objects.get().attachments.get().content_type == "application/pdf"


def test_the_callers_earlier_cases_show_as_the_agent_types_D7(client, clock, flow):
    clock("2026-11-02 10:00")
    earlier = flow.phone_case()
    clock("2026-11-26 10:00")
    page = (
        login(client, "agent")
        .get("/intake/caller/", {"phone": "138-0591-2345", "content": earlier.content})
        .content.decode()
    )
    assert earlier.number in page and "疑似重复" in page


def test_an_action_from_the_case_page_R8_1(client, clock, flow):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    case = assignment.case
    case.refresh_from_db()
    login(client, "city_handler")
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="action-read"' in page
    url = f"/cases/{case.number}/act/read/assignment/{assignment.pk}/"
    prefix = f"read-{assignment.pk}-expected_version"
    response = client.post(url, {prefix: case.version})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == "read"
    # the same click again: the case has changed, nothing happens twice
    again = client.post(url, {prefix: case.version}, follow=True)
    assert "已被他人更改" in again.content.decode()
    assert case.events.filter(action="read").count() == 1


def test_a_missing_reason_is_shown_next_to_the_field(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    actions.accept_case(actor=flow.city_dispatcher, case=case)
    case.refresh_from_db()
    login(client, "city_dispatcher")
    response = client.post(
        f"/cases/{case.number}/act/classify/case/{case.pk}/",
        {
            f"classify-{case.pk}-expected_version": case.version,
            f"classify-{case.pk}-mode": "internal",
        },
    )
    assert response.status_code == 400
    assert "请选择内部办理的理由" in response.content.decode()


def test_the_city_bureau_splits_a_case_on_the_dispatch_page_R8_7(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    part = case.parts.get()
    case.refresh_from_db()
    login(client, "city_dispatcher")
    assert client.get(f"/cases/{case.number}/dispatch/{part.pk}/?parts=2").status_code == 200
    response = client.post(
        f"/cases/{case.number}/dispatch/{part.pk}/",
        {
            "expected_version": case.version,
            "count": 2,
            "p0-description": "施工噪音",
            "p0-mode": "joint",
            "p0-unit": unit(CGW).pk,
            "p0-co": [unit("福州市生态环境局").pk],
            "p1-description": "学校门口交通",
            "p1-mode": "district",
            "p1-district_bureau": unit("鼓楼区信访局").pk,
        },
    )
    assert response.status_code == 302
    assert sorted(case.assignments.values_list("role", flat=True)) == ["co", "lead"]
    assert case.parts.get(number=2).holder_bureau.name == "鼓楼区信访局"


def test_the_queue_orders_by_deadline_and_colours_it(client, clock, flow):
    clock("2026-11-24 10:00")  # Tuesday
    old = flow.to(flow.phone_case(content="旧诉求：路灯不亮。"), CGW)
    clock("2026-11-26 10:00")
    new = flow.to(flow.phone_case(content="新诉求：井盖缺失。"), CGW)
    page = login(client, "city_handler").get("/").content.decode()
    assert page.index(old.case.number) < page.index(new.case.number)
    assert "due-soon" in page  # the old one's read clock ends tonight
    clock("2026-11-27 09:00")  # a new shift: the session ended after 8 idle hours
    page = login(client, "city_handler").get("/").content.decode()
    assert "due-breached" in page and "已超时" in page


def test_switching_the_acting_role_changes_the_queue(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    login(client, "gulou_bureau")
    assert case.number in client.get("/").content.decode()  # dispatcher: to dispatch
    reviewer = f"{unit('鼓楼区信访局').pk}:reviewer"
    client.post("/switch/", {"acting": reviewer, "next": "/"})
    assert case.number not in client.get("/").content.decode()


def test_full_text_search_of_chinese_case_text(client, clock, flow):
    clock("2026-11-26 10:00")
    noise = flow.phone_case(content="东街口夜间施工噪音扰民。")
    lamp = flow.phone_case(content="小区路灯损坏一个月。")
    page = login(client, "city_dispatcher").get("/cases/", {"q": "施工噪音"}).content.decode()
    assert noise.number in page and lamp.number not in page


def test_case_list_pages_by_keyset(client, clock, flow):
    for day in range(1, 4):
        clock(f"2026-11-{day + 10:02d} 10:00")
        flow.web_case(content=f"第{day}件：路灯损坏。")
    from hotline.workbench import views

    views.PAGE, saved = 2, views.PAGE
    try:
        first = login(client, "city_dispatcher").get("/cases/").content.decode()
        assert first.count('data-testid="case-row"') == 2 and 'rel="next"' in first
        link = first.split('href="?')[-1].split('"')[0].replace("&amp;", "&")
        second = client.get("/cases/?" + link).content.decode()
        assert second.count('data-testid="case-row"') == 1 and "第1件" in second
    finally:
        views.PAGE = saved


def test_print_view_is_an_a4_page(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    page = login(client, "city_dispatcher").get(f"/cases/{case.number}/print/").content.decode()
    assert "print.css" in page and case.content in page


def test_supervisors_see_breaches_and_violations(client, clock, flow):
    from hotline.cases.clocks import breach_due_clocks

    clock("2026-11-26 10:00")
    flow.to(flow.phone_case(), CGW)
    clock("2026-12-02 10:00")
    breach_due_clocks()
    page = login(client, "city_supervisor").get("/supervision/").content.decode()
    assert "查阅超时" in page and CGW in page
    assert login(client, "city_handler").get("/supervision/").status_code == 403


# Visibility: enforced in the queries; another unit's case is a 404.


@pytest.fixture
def gulou_case(flow, clock):
    """A case of 鼓楼区, handled by 鼓楼区城市管理局."""
    clock("2026-11-26 10:00")
    case = flow.web_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    actions.dispatch_part(
        actor=flow.gulou_bureau, part=case.parts.get(), plan=PartPlan(sole=unit("鼓楼区城市管理局"))
    )
    return case


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("city_dispatcher", True),  # the city bureau sees every case
        ("city_supervisor", True),  # so does the city efficiency office
        ("gulou_bureau", True),  # the district bureau it was passed to
        ("gulou_handler", True),  # the unit handling it
        ("gulou_supervisor", True),  # the district's efficiency office
        ("agent", False),  # a web case never went through the service center
        ("city_handler", False),  # a city department not involved
        ("city_leader", False),
        (("台江区信访局", "dispatcher"), False),  # another district's bureau
        (("台江区信访局", "reviewer"), False),
        (("台江区效能办", "supervisor"), False),  # another district's supervisor
        (("福州市人民政府办公厅", "leader"), False),  # not escalated there
    ],
)
def test_staff_see_only_cases_their_unit_is_part_of(client, gulou_case, who, sees):
    user = staff(*who) if isinstance(who, tuple) else who
    login(client, user)
    status = {True: 200, False: 404}[sees]
    assert client.get(f"/cases/{gulou_case.number}/").status_code == status
    assert client.get(f"/cases/{gulou_case.number}/print/").status_code == status
    listed = gulou_case.number in client.get("/cases/").content.decode()
    assert listed is sees


def test_supervisors_see_the_requester_masked(client, gulou_case):
    page = login(client, "gulou_supervisor").get(f"/cases/{gulou_case.number}/").content.decode()
    assert "13905910000" not in page and "139****0000" in page
    page = login(client, "gulou_handler").get(f"/cases/{gulou_case.number}/").content.decode()
    assert "13905910000" in page


def test_countdown_uses_local_time(flow, clock):
    assert at("2026-11-26 10:00").utcoffset().total_seconds() == 8 * 3600


def test_assets_are_served_from_the_project(client):
    """No CDN: the stylesheet and htmx come from our own static files."""
    from django.contrib.staticfiles import finders

    for asset in ("hotline/site.css", "hotline/print.css", "hotline/vendor/htmx-2.0.11.min.js"):
        assert finders.find(asset), asset
    page = client.get("/login/").content.decode()
    assert "http://" not in page and "https://" not in page


def test_a_phone_case_with_a_mobile_tells_the_agent_the_code_went_by_sms(client, clock):
    """Issue 15: the agent knows the caller has the query code."""
    clock("2026-11-26 10:00")
    response = login(client, "agent").post("/intake/", intake_data(), follow=True)
    assert "编号和查询码已通过短信发送至13805912345" in response.content.decode()


def test_a_landline_caller_is_read_the_query_code_once(client, clock):
    """Issue 15: nothing can carry the code to a landline: the agent is
    shown it once, to read out; the portal accepts it."""
    from hotline.cases.querycode import matches

    clock("2026-11-26 10:00")
    login(client, "agent")
    page = client.post("/intake/", intake_data(phone="0591-87654321"), follow=True)
    text = page.content.decode()
    code = re.search(r"查询码([A-Z2-9]{10})", text).group(1)
    case = Case.objects.get()
    assert matches(code, case.query_code_hash) and not case.messages.exists()
    assert code not in client.get(f"/cases/{case.number}/").content.decode()


def test_the_callers_history_includes_web_cases_and_opens_their_progress(client, clock, flow):
    """Issue 15: a caller asking about a case they submitted on the web is
    found by their phone; the agent reads its progress, not its handling."""
    clock("2026-11-20 10:00")
    web = flow.web_case()
    assignment = flow.to(web, CGW)
    actions.read_assignment(actor=staff(CGW, "handler"), assignment=assignment)
    actions.instruct_assignment(
        actor=staff(CGW, "leader"), assignment=assignment, instruction="请执法中队今日核查。"
    )
    clock("2026-11-26 10:00")
    login(client, "agent")
    history = client.get("/intake/caller/", {"phone": "139 0591 0000"}).content.decode()
    assert f'href="/intake/progress/{web.number}/"' in history and "李四" in history
    assert client.get(f"/cases/{web.number}/").status_code == 404  # not the service center's
    page = client.get(f"/intake/progress/{web.number}/").content.decode()
    assert 'data-testid="progress-status">办理中<' in page
    assert CGW in page and "答复期限" in page
    assert "请执法中队今日核查" not in page  # the units' own notes
    assert "139****0000" in page and "13905910000" not in page


@pytest.mark.parametrize(
    "typed", [str, lambda n: f" {n.lower()} ", lambda n: f"{n[:2]} {n[2:10]} {n[10:]}"]
)
def test_the_service_center_finds_any_case_by_its_number(client, clock, flow, typed):
    """Issue 15: "where is my case?" by its number, however it is typed;
    a web case too, which the service center never handled."""
    clock("2026-11-26 10:00")
    number = flow.web_case().number
    response = login(client, "agent").get("/intake/lookup/", {"q": typed(number)})
    assert response.status_code == 302
    assert response["Location"] == f"/intake/progress/{number}/"


@pytest.mark.parametrize(
    ("typed", "status", "message"),
    [
        ("FZ2026112699999", 404, "没有编号为FZ2026112699999的诉求件"),
        ("不知道", 400, "请输入诉求件编号"),
        ("FZ20261126", 400, "请输入诉求件编号"),
    ],
)
def test_a_failed_look_up_says_why_in_chinese(client, clock, typed, status, message):
    clock("2026-11-26 10:00")
    response = login(client, "agent").get("/intake/lookup/", {"q": typed})
    assert response.status_code == status and message in response.content.decode()


def test_a_look_up_by_phone_lists_the_callers_cases(client, clock, flow):
    clock("2026-11-26 10:00")
    web, phone = flow.web_case(), flow.phone_case()
    page = login(client, "agent").get("/intake/lookup/", {"q": "+86 139-0591-0000"})
    assert web.number in page.content.decode() and phone.number not in page.content.decode()


@pytest.mark.parametrize("path", ["/intake/lookup/?q=FZ2026112600001", "/intake/caller/?phone=1"])
def test_only_agents_look_cases_up(client, clock, flow, path):
    clock("2026-11-26 10:00")
    flow.web_case()
    assert login(client, "city_handler").get(path).status_code == 403
    progress = f"/intake/progress/{Case.objects.get().number}/"
    assert client.get(progress).status_code == 403
