"""The administrators' calendar page (D1): a year entered from the State
Council notice, checked, previewed with the deadlines it moves, confirmed
with who and why; the warning on the administrator's queue."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from hotline.calendar.models import CalendarChange, CalendarYear
from hotline.calendar.notice import read
from hotline.calendar.services import enter_year
from hotline.calendar.workdays import shipped_festivals
from hotline.cases.models import Event
from hotline.cases.tests.conftest import at

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"

# A made-up 2027 notice: Spring Festival 5 to 11 February, Saturday 20th worked.
NOTICE_2027 = """一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至11日（周四）放假调休，共7天。2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""


def test_the_made_up_notice_is_clean():
    assert read(NOTICE_2027, 2027, shipped_festivals()[2027]).problems == []


@pytest.fixture
def admin_client(client, person):
    """Logged in afresh at each request: the pages travel in time, and a
    session last seen in the future would have ended."""
    user = person("admin")

    class Fresh:
        def get(self, *args, **kwargs):
            client.force_login(user)
            return client.get(*args, **kwargs)

        def post(self, *args, **kwargs):
            client.force_login(user)
            return client.post(*args, **kwargs)

    return Fresh()


def test_the_administrators_queue_warns_from_1_december_with_a_link_D1(admin_client):
    """D1: from 1 December the administrator's landing page says next year
    is unconfirmed, linked to the calendar page."""
    with time_machine.travel("2026-11-30 09:00 +0800"):
        assert 'data-testid="calendar-warning"' not in admin_client.get("/").content.decode()
    with time_machine.travel("2026-12-01 09:00 +0800"):
        page = admin_client.get("/").content.decode()
    assert 'data-testid="calendar-warning"' in page
    assert 'href="/calendar/2027/"' in page and "2027年节假日安排尚未确认" in page


def test_other_staff_see_no_calendar_warning_and_may_not_open_the_page(client, person):
    with time_machine.travel("2026-12-01 09:00 +0800", tick=False):
        client.force_login(person("agent"))
        assert 'data-testid="calendar-warning"' not in client.get("/").content.decode()
        assert client.get("/calendar/2027/").status_code == 403
        assert (
            client.post("/calendar/2027/", {"text": NOTICE_2027, "confirm": "1"}).status_code == 403
        )
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_page_starts_from_the_statutory_holidays_D1(admin_client):
    with time_machine.travel("2026-12-01 09:00 +0800", tick=False):
        assert admin_client.get("/calendar/").url == "/calendar/2027/"
        page = admin_client.get("/calendar/2027/").content.decode()
    assert "二、春节：2月5日至8日放假，共4天。" in page
    assert "尚未确认" in page
    assert 'href="/calendar/"' in page  # the administrator's menu


def test_the_preview_shows_the_grid_and_the_deadlines_that_move_D1(admin_client, flow, clock):
    """D1: before confirming, the administrator sees how many open clocks
    move and by how much; nothing is stored yet."""
    clock("2027-02-01 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    reply = assignment.clocks.get(kind="reply")
    assert reply.due_at == at("2027-02-18 00:00") and reply.provisional
    page = admin_client.post("/calendar/2027/", {"text": NOTICE_2027, "preview": "1"})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-date="2027-02-10"' in text and 'class="day holiday" data-date="2027-02-10"' in text
    assert 'class="day workday" data-date="2027-02-20"' in text
    assert "1个时限推后3天" in text  # the reply clock
    assert "1个时限日期不变，不再是暂定" in text  # the read clock
    assert 'data-testid="confirm"' in text
    assert not CalendarYear.objects.filter(year=2027).exists()
    reply.refresh_from_db()
    assert reply.due_at == at("2027-02-18 00:00")


def test_confirming_stores_the_days_records_who_and_why_and_moves_the_clocks_D1(
    admin_client, flow, clock, person, django_capture_on_commit_callbacks
):
    clock("2027-02-01 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post(
            "/calendar/2027/",
            {
                "text": NOTICE_2027,
                "source": "国办发明电〔2026〕1号",
                "reason": "通知已发布",
                "confirm": "1",
            },
        )
    assert answer.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert year.confirmed and year.source == "国办发明电〔2026〕1号"
    stored = {(d.date.isoformat(), d.kind) for d in year.days.all()}
    assert ("2027-02-10", "holiday") in stored and ("2027-02-20", "workday") in stored
    assert ("2027-02-06", "holiday") in stored  # 正月初一 on a Saturday: a statutory holiday
    assert ("2027-02-13", "holiday") not in stored  # a weekend is not stored
    change = CalendarChange.objects.get(year=2027)
    assert change.by == person("admin") and change.reason == "通知已发布"
    assert change.notice == NOTICE_2027
    reply = assignment.clocks.get(kind="reply")
    assert reply.due_at == at("2027-02-21 00:00") and not reply.provisional
    assert Event.objects.filter(case=assignment.case, action="clock_recomputed").count() == 2
    page = admin_client.get("/calendar/2027/").content.decode()
    assert "通知已发布" in page and 'data-testid="calendar-change"' in page
    assert "2月5日（周五）至11日" in page  # the confirmed notice, to correct


def test_a_notice_with_errors_is_refused_with_plain_words_and_the_text_kept_D1(admin_client):
    """D1: a date outside the year, a festival left out: refused, said in
    Chinese, the pasted text still there, nothing stored."""
    text = NOTICE_2027.replace("六、中秋节：9月15日（周三）放假，共1天。\n", "") + (
        "八、国庆节：2028年1月3日放假。"
    )
    answer = admin_client.post("/calendar/2027/", {"text": text, "reason": "x", "confirm": "1"})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "1月3日不在本次录入的年份内" in page
    assert "缺少中秋节" in page
    assert "2028年1月3日放假" in page  # the text is given back
    assert 'data-testid="confirm"' not in page
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_year_with_three_days_off_is_not_confirmed_D1(admin_client):
    answer = admin_client.post(
        "/calendar/2027/",
        {"text": "一、元旦：1月1日至3日放假，共3天。", "reason": "x", "confirm": "1"},
    )
    assert answer.status_code == 400
    assert "缺少春节" in answer.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_confirming_needs_a_reason(admin_client):
    answer = admin_client.post("/calendar/2027/", {"text": NOTICE_2027, "confirm": "1"})
    assert answer.status_code == 400
    assert 'role="alert"' in answer.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_odd_input_gets_an_answer_not_a_server_error(admin_client):
    for text in (
        "",
        "！！！",
        "一、元旦：13月40日放假。",
        "一、元旦：1月5日至1月1日放假。",
        "x" * 20000,
    ):
        answer = admin_client.post("/calendar/2027/", {"text": text, "preview": "1"})
        assert answer.status_code == 400, text
    assert admin_client.get("/calendar/1990/").status_code == 404


def test_the_verb_refuses_anyone_but_an_administrator(person):
    with pytest.raises(PermissionDenied):
        enter_year(actor=person("agent"), year=2027, text=NOTICE_2027, reason="x")
    assert not CalendarYear.objects.filter(year=2027).exists()
