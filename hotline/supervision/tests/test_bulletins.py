"""A month's bulletin (R11): its numbers worked out by hand, its PDF's
Chinese text readable, its Excel workbook with the same numbers, frozen."""

import io
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.tests.conftest import unit
from hotline.organisation.models import User
from hotline.supervision import bulletins
from hotline.supervision.rules import propose_warnings

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


@pytest.fixture
def november(flow, clock, settings, tmp_path):
    """Four cases in November 2026:
    甲 read and answered on time, approved at the first review, rated satisfied;
    乙 never read (a late read, then a lapsed reply);
    丙 answered on time, sent back once, then approved; rated dissatisfied;
    丁 a web case refused."""
    settings.MEDIA_ROOT = tmp_path
    clock("2026-11-02 10:00")
    a = flow.to(flow.phone_case(content="甲：路灯不亮。"), CGW)
    b = flow.to(flow.phone_case(content="乙：井盖缺失。"), CGW)
    c = flow.to(flow.phone_case(content="丙：垃圾未清运。"), CGW)
    actions.refuse_case(actor=flow.city_dispatcher, case=flow.web_case(content="丁"), reason=9)
    flow.handle(a)
    flow.review(a.part)
    actions.rate_case(case=flow.close(a.case), satisfaction="satisfied")
    flow.handle(c)
    flow.review(c.part, approve=False, reasons="不完整")
    flow.reply(c, "补充")
    flow.review(c.part)
    actions.rate_case(case=flow.close(c.case), satisfaction="dissatisfied")
    clock("2026-11-20 09:00")
    breach_due_clocks()
    propose_warnings(date(2026, 11, 1))
    return a, b, c


def test_the_month_s_numbers_R11(november):
    data = bulletins.numbers(date(2026, 11, 1), date(2026, 11, 30))
    assert data["received"] == 4
    assert data["by_channel"]["电话"] == 3 and sum(data["by_channel"].values()) == 4
    assert data["read"] == {"total": 3, "on_time": 2, "rate": 66.7}  # 乙 read late (never)
    assert data["reply"] == {"total": 4, "on_time": 3, "rate": 75.0}  # 甲, 丙, 丙's redo; 乙 lapsed
    assert (data["reviewed"], data["redone"], data["redo_rate"]) == (3, 1, 33.3)
    assert (data["late_reads"], data["lapsed"], data["overdue"]) == (1, 1, 0)
    assert (data["rated"], data["satisfied"], data["satisfaction_rate"]) == (2, 1, 50.0)
    b = november[1].case.number
    assert data["criticised"] == [  # the late read and the lapse, with the case
        {
            "unit": CGW,
            "count": 2,
            "cases": [{"number": b, "what": "查阅超时"}, {"number": b, "what": "过期未处理"}],
        }
    ]


def test_a_district_bulletin_counts_only_its_district_R11(november, flow, clock):
    clock("2026-11-03 10:00")
    case = flow.phone_case(content="鼓楼区的诉求")
    flow.accept(case)
    flow.dispatch(case, PartPlan(district_bureau=unit("鼓楼区信访局")))
    from hotline.organisation.models import District

    gulou = District.objects.get(name="鼓楼区")
    data = bulletins.numbers(date(2026, 11, 1), date(2026, 11, 30), gulou)
    assert data["received"] == 1 and data["criticised"] == []


def test_published_bulletin_pdf_and_excel_agree_and_are_frozen_R11(november, clock):
    clock("2026-12-01 09:00")  # a bulletin covers a finished period
    office = unit("福州市效能办")
    bulletin = bulletins.publish(
        actor=User.objects.get(username="city_supervisor"),
        office=office,
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
    )
    text = "".join(page.extract_text() for page in PdfReader(bulletin.pdf.open("rb")).pages)
    assert "全市12345便民服务热线" in text and "工作情况的通报" in text
    assert CGW in text and "按时答复率" in text and "75.0" in text
    book = openpyxl.load_workbook(io.BytesIO(bulletin.xlsx.open("rb").read()))
    sheet = {row[0].value: row[1] for row in book["主要指标"].iter_rows(min_row=5)}
    assert bulletin.numbers["reply"]["rate"] == 75.0
    assert sheet["按时答复率（%）"].value == 0.75
    assert sheet["按时答复率（%）"].number_format == "0.0%"
    assert sheet["受理诉求件（件）"].value == 4
    with pytest.raises(ValueError):
        bulletin.title = "改过的"
        bulletin.save()


def test_only_the_office_s_supervisors_publish(november):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        bulletins.publish(
            actor=User.objects.get(username="gulou_supervisor"),
            office=unit("福州市效能办"),
            start=date(2026, 11, 1),
            end=date(2026, 11, 30),
        )


def test_a_supervisor_publishes_and_downloads_from_the_workbench(november, client, clock):
    clock("2026-12-01 09:00")
    client.force_login(User.objects.get(username="city_supervisor"))
    response = client.post("/supervision/bulletins/", {"month": "2026-11"}, follow=True)
    assert "工作情况的通报" in response.content.decode()
    from hotline.supervision.models import Bulletin

    bulletin = Bulletin.objects.get()
    pdf = client.get(f"/supervision/bulletins/{bulletin.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.force_login(User.objects.get(username="gulou_supervisor"))
    assert client.get(f"/supervision/bulletins/{bulletin.pk}/pdf/").status_code == 404
