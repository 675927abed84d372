"""An approved reply proposed as an article, and a spreadsheet imported (N2)."""

import io
from datetime import date, datetime

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from hotline.cases.errors import NotAllowed, WrongState
from hotline.cases.tests.conftest import staff
from hotline.knowledge import actions
from hotline.knowledge.importing import import_workbook
from hotline.knowledge.models import ArticleVersion

UNIT = "福州市公安局"
CONTENT = "我叫张三，电话13805912345，想问居住证到期了怎么续签？需要带什么材料。"


@pytest.fixture
def approved_reply(flow, clock):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content=CONTENT)
    assignment = flow.to(case, UNIT)
    flow.handle(assignment, reply="请携带身份证和居住证原件到派出所户籍窗口办理。")
    flow.review(case.parts.get())
    return case, assignment.replies.get()


def test_an_approved_reply_becomes_a_draft_article_masked_N2(approved_reply, client):
    """N2: one button on the case page; the draft is in the reply's unit,
    its question is the case as the public reads it, its answer the reply."""
    case, reply = approved_reply
    handler = staff(UNIT, "handler")
    client.force_login(handler)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "提议为知识库文章" in page

    response = client.post(f"/knowledge/propose/{reply.pk}/")
    version = ArticleVersion.objects.get(source_reply=reply)
    assert response.status_code == 302
    assert response["Location"] == f"/knowledge/{version.article_id}/edit/"
    assert version.state == "draft" and version.article.unit.name == UNIT
    assert "13805912345" not in version.question and "张三" not in version.question
    assert "居住证到期了怎么续签" in version.question
    assert version.answer.startswith("请携带身份证和居住证原件")
    assert version.title and len(version.title) <= 40
    assert version.review_by > version.effective_on
    form = client.get(response["Location"]).content.decode()
    assert "居住证到期了怎么续签" in form


def test_city_reviewer_may_propose_but_others_not_N2(approved_reply):
    _case, reply = approved_reply
    with pytest.raises(NotAllowed):
        actions.propose_article_from_reply(
            actor=staff("福州市城市管理委员会", "handler"), reply=reply
        )
    version = actions.propose_article_from_reply(
        actor=staff("福州市信访局", "reviewer"), reply=reply
    )
    assert version.drafted_by.username == "city_reviewer"
    assert version.events.get().action == "propose_article"


def test_a_reply_not_yet_approved_cannot_be_proposed_N2(flow, clock):
    clock("2026-12-01 09:00")
    case = flow.phone_case(content=CONTENT)
    assignment = flow.to(case, UNIT)
    flow.handle(assignment)
    with pytest.raises(WrongState):
        actions.propose_article_from_reply(
            actor=staff(UNIT, "handler"), reply=assignment.replies.get()
        )


def workbook(*rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["标题", "问题", "答复", "关键词", "类别", "责任单位", "生效日期", "复核日期"])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


GOOD = (
    "护照办理需要多久",
    "办护照要等几天？",
    "自受理之日起7个工作日内办结。",
    "护照 出入境",
    "",
    "福州市公安局",
    datetime(2026, 12, 1),
    "2027-12-01",
)


def test_import_reports_each_bad_row_with_its_number_N2(db, clock):
    """N2: good rows are imported as drafts of the unit they name; each
    rejected row is reported by its row number with the reason in words."""
    clock("2026-12-01 10:00")
    rows = workbook(
        GOOD,
        ("", "没有标题的问题", "答复", "", "", "福州市公安局", "", ""),
        ("标题", "问题", "答复", "", "", "不存在的局", "", ""),
        (None,) * 8,
        ("过期", "问题", "答复", "", "", "公安", "2026-01-01", "2026/6/1"),
        ("日期", "问题", "答复", "", "", "福州市公安局", "明天", ""),
    )
    report = import_workbook(rows, actor=staff("福州市信访局", "reviewer"))
    assert [v.title for v in report.imported] == ["护照办理需要多久"]
    assert report.imported[0].state == "draft"
    assert report.imported[0].effective_on == date(2026, 12, 1)
    assert [(r.row, r.reason) for r in report.rejected] == [
        (3, "请填写文章标题。"),
        (4, "没有名为“不存在的局”的单位。"),
        (6, "复核日期须晚于今天。"),
        (7, "生效日期“明天”不是日期（请写成2026-12-31）。"),
    ]


def test_city_bureau_may_publish_on_import_a_unit_only_drafts_its_own_N2(db, clock):
    clock("2026-12-01 10:00")
    published = import_workbook(
        workbook(GOOD), actor=staff("福州市信访局", "reviewer"), publish=True
    ).imported[0]
    assert published.state == "published"
    assert published.article.published_version == published

    handler = staff(UNIT, "handler")
    report = import_workbook(
        workbook(GOOD, (*GOOD[:5], "福州市城市管理委员会", *GOOD[6:])),
        actor=handler,
        unit=handler.role_grants.get().unit,
        publish=True,
    )
    assert report.imported == []  # a unit cannot publish
    report = import_workbook(workbook(GOOD), actor=handler)
    assert report.imported[0].state == "draft"


def test_import_command_N2(db, clock, tmp_path):
    clock("2026-12-01 10:00")
    path = tmp_path / "kb.xlsx"
    path.write_bytes(workbook(GOOD, ("", "", "", "", "", "", "", "")).getvalue())
    output = io.StringIO()
    call_command("import_articles", str(path), "--unit", UNIT, stdout=output)
    assert "Imported 1 articles" in output.getvalue()
    version = ArticleVersion.objects.get()
    assert version.drafted_by == staff(UNIT, "handler") and version.state == "draft"


def test_import_page_shows_the_report_N2(client, db, clock):
    clock("2026-12-01 10:00")
    client.force_login(staff("福州市信访局", "reviewer"))
    rows = workbook(GOOD, ("标题", "问题", "", "", "", "福州市公安局", "", ""))
    rows.name = "kb.xlsx"
    response = client.post("/knowledge/import/", {"file": rows})
    page = response.content.decode()
    assert response.status_code == 200
    assert "已导入1篇文章" in page and "请填写答复。" in page
    bad = io.BytesIO(b"not a workbook")
    bad.name = "kb.xlsx"
    response = client.post("/knowledge/import/", {"file": bad})
    assert response.status_code == 400 and "无法读取该文件" in response.content.decode()


def test_import_rejects_an_effective_date_too_far_ahead_for_a_review_date_N2(db, clock):
    """N2: a junk effective date with no review-by date (9999-12-31) is a
    rejected row, not an error that stops the import half way."""
    clock("2026-12-01 10:00")
    rows = workbook(
        (*GOOD[:6], "9999-12-31", ""),
        ("另一篇", "问题", "答复", "", "", UNIT, "", ""),
    )
    report = import_workbook(rows, actor=staff("福州市信访局", "reviewer"))
    assert [v.title for v in report.imported] == ["另一篇"]
    assert [(r.row, r.reason) for r in report.rejected] == [(2, "生效日期太远，无法给出复核日期。")]


def test_import_reads_dates_written_in_full_width_characters_N2(db, clock):
    clock("2026-12-01 10:00")
    rows = workbook((*GOOD[:6], "２０２６－１２－０１", "２０２７／１２／０１"))
    report = import_workbook(rows, actor=staff("福州市信访局", "reviewer"))
    assert report.rejected == []
    assert (report.imported[0].effective_on, report.imported[0].review_by) == (
        date(2026, 12, 1),
        date(2027, 12, 1),
    )
