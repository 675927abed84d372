"""The bulletin as a government office issues it (R11, R12): red header,
document number, title, per-unit ranking, criticism with its cases, the
issuing office and date; its Excel; the draft before publishing; one
bulletin per area and period."""

import io
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfReader

from hotline.cases import actions
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.tests.conftest import staff, unit
from hotline.organisation.models import User
from hotline.supervision import bulletins
from hotline.supervision.models import Bulletin, DocumentSeries
from hotline.supervision.rules import excuse_violation
from hotline.supervision.tests.test_bulletins import CGW, november  # noqa: F401

pytestmark = pytest.mark.django_db
NOV = (date(2026, 11, 1), date(2026, 11, 30))
JIAOTONG = "福州市交通运输局"


def supervisor(name="city_supervisor"):
    return User.objects.get(username=name)


def publish(start=NOV[0], end=NOV[1], office="福州市效能办", who="city_supervisor"):
    return bulletins.publish(actor=supervisor(who), office=unit(office), start=start, end=end)


def pdf_text(data: bytes, layout=False) -> str:
    """The text as a reader sees it: pdftotext (poppler) when installed,
    else pypdf."""
    if shutil.which("pdftotext"):
        args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
        return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_late_read_is_named_though_no_nightly_job_ran_R11_1(flow, clock, settings, tmp_path):
    """The cause of "通报批评单位 本期无" with a late read on 11-20: the list
    came from entries only the nightly job writes, and a read made late
    before the minute sweep breached its clock left no violation at all.
    The bulletin now names units from the figures' own measures."""
    settings.MEDIA_ROOT = tmp_path
    clock("2026-11-16 10:00")
    late = flow.to(flow.phone_case(content="戊：公交站牌损坏。"), JIAOTONG)
    clock("2026-11-20 09:00")  # due at the end of 11-18; no sweep has run
    actions.read_assignment(actor=staff(JIAOTONG, "handler"), assignment=late)
    data = bulletins.numbers(*NOV)
    assert data["late_reads"] == 1
    assert data["criticised"] == [
        {"unit": JIAOTONG, "count": 1, "cases": [{"number": late.case.number, "what": "查阅超时"}]}
    ]


def test_a_breached_read_is_named_and_an_excused_one_is_not_R11_1(flow, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clock("2026-11-16 10:00")
    case = flow.to(flow.phone_case(content="己：道路积水。"), JIAOTONG)
    clock("2026-11-20 09:00")
    breach_due_clocks()  # a violation, but propose_warnings never ran
    assert [row["unit"] for row in bulletins.numbers(*NOV)["criticised"]] == [JIAOTONG]
    excuse_violation(
        actor=supervisor(), violation=case.case.violations.get(), reason="系统故障，无法签收"
    )
    assert bulletins.numbers(*NOV)["criticised"] == []


def test_the_per_unit_table_is_ranked_by_the_policy_s_score_and_lists_every_unit_R11_R12(
    november,  # noqa: F811
):
    data = bulletins.numbers(*NOV)
    table = {row["unit"]: row for row in data["units"]}
    cgw = table[CGW]
    # 甲 and 丙 read on time, 乙 not: 2 of 3; replies 3 of 4; first reviews
    # passed 2 of 3; satisfied 1 of 2; weights 20/30/25/25 (FUZHOU_2007).
    assert (cgw["read_rate"], cgw["reply_rate"], cgw["review_rate"]) == (66.7, 75.0, 66.7)
    assert (cgw["dispatched"], cgw["redone"], cgw["lapsed"], cgw["late_reads"]) == (3, 1, 1, 1)
    assert cgw["satisfaction_rate"] == 50.0
    expected = (20 * 2 / 3 + 30 * 2 / 3 + 25 * 0.75 + 25 * 0.5) / 100
    assert cgw["score"] == round(100 * expected, 2) and cgw["rank"] == 1
    # Units with nothing this month are listed too, after the ranked ones.
    assert table[JIAOTONG]["score"] is None and table[JIAOTONG]["rank"] is None
    assert data["units"][0]["unit"] == CGW and len(data["units"]) > 10


def test_the_published_pdf_is_an_official_notice_R11(november, clock):  # noqa: F811
    clock("2026-12-01 09:00")
    bulletin = publish()
    data = bulletin.pdf.open("rb").read()
    text = pdf_text(data)
    assert bulletin.number == "榕12345通〔2026〕1号" and bulletin.number in text
    assert "福州市效能办" in text and "2026年12月1日" in text
    assert "2026年11月01日" not in text and "phone" not in text and "电话3件" in text
    # The title in its two lines, each whole.
    lines = [line.strip() for line in pdf_text(data, layout=True).splitlines()]
    assert "关于2026年11月全市12345便民服务热线" in lines and "工作情况的通报" in lines
    # The per-unit table: its headings, and the unit with its rank and score.
    for heading in ("排名", "按时查阅率", "审核通过率", "综合得分", "满意率"):
        assert heading in text
    row = next(line for line in lines if line.startswith("1 ") and CGW in line)
    assert str(bulletin.numbers["units"][0]["score"]) in row
    # Criticism with its case, and the commendations' section.
    assert f"诉求件{bulletin.numbers['criticised'][0]['cases'][0]['number']}查阅超时" in text
    assert "本期无表扬单位" in text


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_the_pdf_renders_to_a_page_with_a_red_header_and_the_text_comes_back_R11(
    november,  # noqa: F811
    clock,
    tmp_path,
):
    clock("2026-12-01 09:00")
    bulletin = publish()
    source = tmp_path / "b.pdf"
    source.write_bytes(bulletin.pdf.open("rb").read())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", source, tmp_path / "page"],
        check=True,
    )
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    assert page.size[0] < page.size[1]  # A4 upright
    width, height = page.size

    def red(box):
        colours = page.crop(box).getcolors(maxcolors=1 << 24)
        return sum(n for n, (r, g, b) in colours if r > 180 and g < 80 and b < 80)

    assert red((0, 0, width, height // 4)) > 200  # the red header and rule
    assert red((0, height // 2, width, height)) == 0  # and nothing red below
    # The page's text comes back from the rendering's source.
    assert "按时查阅率" in pdf_text(source.read_bytes()) and CGW in pdf_text(source.read_bytes())


def test_the_excel_has_the_same_tables_set_up_for_print_R11(november, clock):  # noqa: F811
    clock("2026-12-01 09:00")
    bulletin = publish()
    book = openpyxl.load_workbook(io.BytesIO(bulletin.xlsx.open("rb").read()))
    assert book.sheetnames == [
        "单位排名",
        "主要指标",
        "受理渠道",
        "诉求类别",
        "诉求类型",  # N1
        "直接答复",  # N3, by category
        "直接答复（话务员）",
        "知识库",
        "派单异议",  # N6
        "通报批评",
        "表扬",
    ]
    for sheet in book.worksheets:
        assert sheet["A1"].value == bulletin.title
        assert bulletin.number in sheet["A2"].value
        assert sheet.freeze_panes in ("B5", "C5")
        assert sheet.print_area and sheet.page_setup.paperSize == 9
        assert sheet.print_title_rows == "$4:$4"
    units = book["单位排名"]
    headings = [c.value for c in units[4]]
    assert headings[:4] == ["排名", "单位", "承办件数", "按时查阅率"]
    assert units.column_dimensions["B"].width >= 30
    first = {h: c for h, c in zip(headings, units[5], strict=True)}
    assert first["单位"].value == CGW
    assert first["按时答复率"].value == 0.75 and first["按时答复率"].number_format == "0.0%"
    channels = {row[0]: row[1] for row in book["受理渠道"].iter_rows(min_row=5, values_only=True)}
    assert channels["电话"] == 3 and "phone" not in channels
    named = list(book["通报批评"].iter_rows(min_row=5, values_only=True))
    assert [row[0] for row in named] == [CGW, CGW] and {row[3] for row in named} == {
        "查阅超时",
        "过期未处理",
    }


def test_numbers_run_per_office_and_year_and_are_taken_only_at_publishing_R11(
    november,  # noqa: F811
    clock,
    client,
):
    clock("2026-12-01 09:00")
    client.force_login(supervisor())
    assert client.get("/supervision/bulletins/preview/", {"month": "2026-11"}).status_code == 200
    assert not DocumentSeries.objects.exists()  # a preview takes no number
    assert publish().number == "榕12345通〔2026〕1号"
    assert publish(date(2026, 10, 1), date(2026, 10, 31)).number == "榕12345通〔2026〕2号"
    gulou = publish(office="鼓楼区效能办", who="gulou_supervisor")
    assert gulou.number == "鼓12345通〔2026〕1号"
    clock("2027-01-05 09:00")
    assert publish(date(2026, 12, 1), date(2026, 12, 31)).number == "榕12345通〔2027〕1号"


def test_the_same_area_and_period_is_published_once_R11(november, clock, client):  # noqa: F811
    """Refused, not superseded: a published bulletin stays as it was
    issued, and the refusal takes no number."""
    clock("2026-12-01 09:00")
    first = publish()
    with pytest.raises(ValidationError) as refused:
        publish()
    assert first.number in refused.value.messages[0]
    assert DocumentSeries.objects.get().last == 1
    client.force_login(supervisor())
    page = client.post("/supervision/bulletins/", {"month": "2026-11"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "该期通报已发布" in html and first.number in html
    assert Bulletin.objects.count() == 1


def test_the_preview_is_an_unnumbered_draft_made_again_from_live_figures_R11(
    november,  # noqa: F811
    clock,
    client,
    flow,
):
    clock("2026-12-01 09:00")
    client.force_login(supervisor())
    page = client.get("/supervision/bulletins/preview/", {"month": "2026-11"}).content.decode()
    assert "草稿" in page and "12345通〔2026〕　号" in page
    assert "共受理诉求件4件" in page
    assert 'data-testid="publish"' in page
    clock("2026-11-25 10:00")  # a late-registered case counts in the regenerated draft
    flow.phone_case(content="庚：噪音扰民。")
    clock("2026-12-01 09:10")
    again = client.get("/supervision/bulletins/preview/", {"month": "2026-11"}).content.decode()
    assert "共受理诉求件5件" in again
    draft = client.get("/supervision/bulletins/preview/", {"month": "2026-11", "format": "pdf"})
    assert draft["Content-Type"] == "application/pdf"
    assert "草稿" in pdf_text(draft.content) and "号（草稿，发布时编号）" in pdf_text(draft.content)
    excel = client.get("/supervision/bulletins/preview/", {"month": "2026-11", "format": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(excel.content))["单位排名"]["A2"].value.startswith(
        "（草稿）"
    )
    assert not Bulletin.objects.exists() and not DocumentSeries.objects.exists()
    bad = client.get("/supervision/bulletins/preview/", {"month": "十一月"})
    assert bad.status_code == 400 and "请选择月份" in bad.content.decode()
    # The month still running is previewed but not offered for publishing.
    running = client.get("/supervision/bulletins/preview/", {"month": "2026-12"}).content.decode()
    assert 'data-testid="publish"' not in running


def test_dates_and_titles_in_the_official_style():
    from hotline.organisation.models import District

    assert bulletins.cn_date(date(2026, 11, 1)) == "2026年11月1日"
    assert bulletins.period_words(*NOV) == "2026年11月"
    assert bulletins.period_words(date(2026, 11, 1), date(2026, 11, 15)) == (
        "2026年11月1日至11月15日"
    )
    assert bulletins.period_words(date(2026, 12, 1), date(2027, 1, 31)) == (
        "2026年12月1日至2027年1月31日"
    )
    assert bulletins.title_lines(District.objects.get(name="鼓楼区"), *NOV) == [
        "关于2026年11月全区12345便民服务热线",
        "工作情况的通报",
    ]
    assert bulletins.title_lines(District.objects.get(name="闽侯县"), *NOV)[0].startswith(
        "关于2026年11月全县"
    )


def test_a_unit_with_many_violations_lists_ten_cases_and_its_count_R11(november):  # noqa: F811
    data = bulletins.numbers(*NOV)
    cases = [{"number": f"FZ20261102{i:05d}", "what": "查阅超时"} for i in range(1, 13)]
    data["criticised"] = [{"unit": CGW, "count": 12, "cases": cases}]
    sheet = bulletins.sheet_for(unit("福州市效能办"), *NOV, None, date(2026, 12, 1))
    page = bulletins.html(sheet, data)
    assert "FZ2026110200010" in page and "FZ2026110200011" not in page
    assert "等12件次" in page
