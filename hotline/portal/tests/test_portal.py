"""The public portal through Django's test client."""

import re
import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.cases import actions
from hotline.cases.actions import PartPlan, RequesterDetails
from hotline.cases.models import Case
from hotline.cases.request_types import request_type
from hotline.cases.tests.conftest import unit

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def submit(client, **changes):
    data = {
        "submission": str(uuid.uuid4()),
        "content": "小区门口路灯损坏一个月，晚上很黑。",
        "location": "晋安区岳峰镇",
        "name": "刘女士",
        "mobile": "13912345678",
        "disclosure_allowed": "yes",
        "request_type": request_type("help").pk,
        **changes,
    }
    return client.post("/portal/submit/", data, follow=True)


def number_and_code(page):
    number = re.search(r'data-testid="number">(FZ\d+)<', page).group(1)
    code = re.search(r'data-testid="code">([A-Z0-9]+)<', page).group(1)
    return number, code


def test_the_grounds_for_refusal_and_emergency_numbers_are_shown_first_R3(client):
    page = client.get("/portal/submit/").content.decode()
    assert page.index("110") < page.index('name="content"')
    assert "不属于行政管理职能范畴" in page


def test_submit_gives_the_number_and_a_private_code_once_R2(client, clock):
    clock("2026-11-26 10:00")
    page = submit(client).content.decode()
    number, code = number_and_code(page)
    case = Case.objects.get(number=number)
    assert case.channel == "web" and case.state == "screening"
    sms = case.messages.get(kind="acknowledgement")
    assert code in sms.text and sms.recipient == "13912345678"
    assert code not in client.get("/portal/submitted/", follow=True).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"content": ""}, "这个字段是必填项"),
        ({"mobile": "12345"}, "请输入11位手机号码"),
    ],
)
def test_bad_input_keeps_what_was_typed(client, changes, message):
    response = submit(client, **changes)
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert "晋安区岳峰镇" in page and not Case.objects.exists()


def test_uploads_must_really_be_images_or_pdf(client):
    fake = SimpleUploadedFile("photo.jpg", b"<?php evil", content_type="image/jpeg")
    page = submit(client, photos=[fake]).content.decode()
    assert "不是PDF或图片" in page and not Case.objects.exists()
    photo = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 jpeg", content_type="image/jpeg")
    submit(client, photos=[photo])
    assert Case.objects.get().attachments.get().content_type == "image/jpeg"


def test_the_honeypot_catches_robots(client):
    response = submit(client, website="http://spam.example")
    assert "无法受理" in response.content.decode() and not Case.objects.exists()


def test_submits_are_limited_per_mobile(client):
    for i in range(3):
        submit(client, content=f"第{i}件：路灯不亮。")
    page = submit(client, content="第4件：路灯不亮。").content.decode()
    assert "请求过于频繁" in page and Case.objects.count() == 3


def test_a_double_submit_makes_one_case(client):
    data = {"submission": str(uuid.uuid4())}
    submit(client, **data)
    submit(client, **data)
    assert Case.objects.count() == 1


def test_track_needs_the_number_and_the_code_D8(client, clock):
    clock("2026-11-26 10:00")
    number, code = number_and_code(submit(client).content.decode())
    wrong = client.post("/portal/track/", {"number": number, "code": "WRONGCODE1"})
    assert wrong.status_code == 404 and "路灯" not in wrong.content.decode()
    page = client.post("/portal/track/", {"number": number, "code": code.lower()}, follow=True)
    assert "正在审查" in page.content.decode() and "路灯" in page.content.decode()


def test_guessing_query_codes_is_throttled(client, clock):
    clock("2026-11-26 10:00")
    number, code = number_and_code(submit(client).content.decode())
    for _attempt in range(10):
        client.post("/portal/track/", {"number": number, "code": "GUESS00000"})
    locked = client.post("/portal/track/", {"number": number, "code": code})
    assert locked.status_code == 429


def close_publicly(flow, case, reply="已更换路灯。"):
    flow.accept(case)
    flow.dispatch(case, PartPlan(sole=unit(CGW)))
    assignment = case.assignments.get()
    flow.handle(assignment, reply=reply)
    flow.review(assignment.part)
    return flow.close(case)


def test_rate_once_after_the_result_by_track_or_by_the_link_D9(client, clock, flow):
    clock("2026-11-26 10:00")
    number, _code = number_and_code(submit(client).content.decode())
    case = close_publicly(flow, Case.objects.get(number=number))
    link = re.search(r"(/portal/rate/\S+/)", case.messages.get(kind="result").text).group(1)
    page = client.get(link, follow=True).content.decode()
    assert "已更换路灯" in page and 'data-testid="rate"' in page
    client.post("/portal/track/case/", {"satisfaction": "satisfied", "comment": "很好"})
    case.refresh_from_db()
    assert case.satisfaction == "satisfied"
    assert 'data-testid="rate"' not in client.get("/portal/track/case/").content.decode()


def test_published_replies_list_search_and_detail_R9(client, clock, flow):
    clock("2026-11-26 10:00")
    lamp = close_publicly(flow, flow.web_case(content="小区路灯损坏。"), reply="已修复路灯。")
    noise = close_publicly(flow, flow.web_case(content="工地夜间施工噪音。"), reply="已责令停工。")
    listing = client.get("/portal/published/").content.decode()
    assert lamp.number in listing and noise.number in listing
    found = client.get("/portal/published/", {"q": "施工噪音"}).content.decode()
    assert noise.number in found and lamp.number not in found
    detail = client.get(f"/portal/published/{lamp.number}/").content.decode()
    assert "已修复路灯" in detail and CGW in detail


def test_internal_cases_never_appear_on_public_pages_D8(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.web_case(content="反映某窗口人员作风问题。", disclosure_allowed=False)
    flow.accept(case, mode="internal", reason=4)
    flow.dispatch(case, PartPlan(sole=unit(CGW)))
    assignment = case.assignments.get()
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(case)
    assert case.number not in client.get("/portal/published/").content.decode()
    assert case.number not in client.get("/portal/published/", {"q": "作风"}).content.decode()
    assert client.get(f"/portal/published/{case.number}/").status_code == 404
    track = client.post("/portal/track/", {"number": case.number, "code": ""})
    assert "作风" not in track.content.decode()


def test_statistics_by_month_render_without_javascript(client, clock, flow):
    clock("2026-11-02 10:00")
    case = close_publicly(flow, flow.web_case())
    actions.rate_case(case=case, satisfaction="satisfied")
    page = client.get("/portal/statistics/").content.decode()
    assert "<svg" in page and "<script" not in page
    assert "2026-11" in page and "100%" in page


def test_fifty_personal_details_never_reach_a_public_page_D8(client, clock, flow):
    """Fifty requesters' names, mobiles, ID numbers and addresses, written in
    the requester fields and in the text too; none shows on any public page."""
    clock("2026-11-26 10:00")
    secrets = []
    for i in range(50):
        name = ["张", "李", "王", "陈", "林"][i % 5] + ["建国", "秀英", "海峰", "丽华", "志强"][
            i // 10
        ]
        mobile = f"13{i % 10}{i:08d}"
        id_number = f"35010219{80 + i % 20:02d}0101{i:03d}{'X' if i % 7 == 0 else i % 10}"
        address = f"鼓楼区测试路{i + 1}号{i % 9 + 1}单元"
        case = flow.web_case(
            content=f"我是{name}，电话{mobile}，身份证{id_number}，住{address}，路灯坏了。",
            requester=RequesterDetails(
                name=name, phone=mobile, id_number=id_number, address=address
            ),
        )
        close_publicly(flow, case, reply=f"已联系{name}（{mobile}），路灯已修复。")
        secrets += [name, mobile, id_number, address]
    pages = [client.get("/portal/published/").content.decode()]
    pages += [client.get("/portal/published/", {"q": "路灯"}).content.decode()]
    pages += [
        client.get(f"/portal/published/{c.number}/").content.decode() for c in Case.objects.all()
    ]
    pages += [
        client.get("/portal/statistics/").content.decode(),
        client.get("/portal/").content.decode(),
    ]
    leaked = {s for s in secrets for page in pages if s in page}
    assert leaked == set()


def test_the_public_list_is_kept_yet_shows_a_publication_or_a_withdrawal_at_once_R9_D9(
    client, clock, flow
):
    """Issue 14: a crowd reads the list and a case page from the cache (one
    query, the publication mark), and what is published or withdrawn since
    shows on the next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock("2026-11-26 10:00")
    lamp = close_publicly(flow, flow.web_case(content="小区路灯损坏。"), reply="已修复路灯。")
    assert lamp.number in client.get("/portal/published/").content.decode()
    client.get(f"/portal/published/{lamp.number}/")
    with CaptureQueriesContext(connection) as kept:
        client.get("/portal/published/")
        client.get(f"/portal/published/{lamp.number}/")
    published_reads = [q for q in kept.captured_queries if "cases_case" in q["sql"]]
    assert published_reads == []
    noise = close_publicly(flow, flow.web_case(content="工地夜间施工噪音。"), reply="已责令停工。")
    assert noise.number in client.get("/portal/published/").content.decode()
    actions.rate_case(case=lamp, satisfaction="dissatisfied")
    actions.reopen_for_redo(actor=flow.city_reviewer, case=lamp, reasons="路灯仍不亮")
    assert lamp.number not in client.get("/portal/published/").content.decode()
    assert client.get(f"/portal/published/{lamp.number}/").status_code == 404
