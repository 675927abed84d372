"""The catalogue in a spreadsheet (N5): imported with a report of the rows
rejected, exported with the same columns."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from hotline.cases.errors import InvalidInput
from hotline.catalogue.models import CatalogueVersion
from hotline.catalogue.spreadsheet import HEADINGS, export_workbook, import_workbook
from hotline.organisation.models import User

pytestmark = pytest.mark.django_db


def workbook(rows, headings=HEADINGS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headings))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


GOOD = [
    ("城市管理", "占道经营", "占道 摆摊", "鼓楼区", "", "城管", "", ""),
    ("水利水务", "供水管道", "爆管", "", "", "", "福州市水利局", "建设局、环保局"),
    ("教育", "", "", "", "", "福州市教育局", "", ""),
]
BAD = [
    ("", "", "", "", "", "福州市教育局", "", ""),
    ("天文", "", "", "", "", "福州市教育局", "", ""),
    ("教育", "", "", "火星区", "", "福州市教育局", "", ""),
    ("教育", "", "", "", "", "福州市不存在局", "", ""),
    ("教育", "", "", "", "", "福州市教育局", "福州市民政局", "福州市卫生健康委员会"),
    ("教育", "", "", "", "", "", "福州市民政局", ""),
    ("教育", "", "", "", "", "", "", ""),
    ("城市管理", "", "", "", "", "鼓楼区城市管理局", "", ""),
]


@pytest.fixture
def dispatcher():
    return User.objects.get(username="city_dispatcher")


def test_an_import_keeps_the_good_rows_and_reports_the_bad_ones_in_words_N5(dispatcher, clock):
    clock("2026-12-01 09:00")
    report = import_workbook(
        workbook([GOOD[0], *BAD, *GOOD[1:]]), actor=dispatcher, effective_on=date(2026, 12, 1)
    )
    assert [r.row for r in report.rejected] == list(range(3, 11))
    reasons = [r.reason for r in report.rejected]
    assert reasons[:4] == [
        "缺少事项。",
        "没有名为“天文”的类别。",
        "没有名为“火星区”的区县。",
        "没有名为“福州市不存在局”的单位。",
    ]
    assert "不能同时填写" in reasons[4] and "协办单位" in reasons[5]
    assert reasons[6] == "缺少责任单位。" and "鼓楼区" in reasons[7]
    draft = report.version
    assert draft.state == "draft" and draft.number == 1
    entries = list(draft.entries.order_by("position"))
    # An alias is read among the units of the entry's district.
    assert [e.unit.name for e in entries] == ["鼓楼区城市管理局", "福州市水利局", "福州市教育局"]
    assert sorted(u.name for u in entries[1].co_units.all()) == [
        "福州市城乡建设局",
        "福州市生态环境局",
    ]


def test_an_import_without_a_draft_or_date_and_a_file_that_is_no_spreadsheet_N5(dispatcher):
    with pytest.raises(InvalidInput) as refused:
        import_workbook(workbook(GOOD), actor=dispatcher)
    assert "生效日期" in refused.value.message
    with pytest.raises(InvalidInput) as refused:
        import_workbook(io.BytesIO(b"not a workbook"), actor=dispatcher)
    assert "Excel" in refused.value.message
    with pytest.raises(InvalidInput) as refused:
        import_workbook(workbook(GOOD, headings=("类别", "单位")), actor=dispatcher)
    assert "事项" in refused.value.message


def test_export_and_import_again_give_the_same_catalogue_N5(catalogue, dispatcher, clock):
    clock("2026-12-01 09:00")
    exported = export_workbook(catalogue)
    sheet = load_workbook(io.BytesIO(exported)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(HEADINGS)
    report = import_workbook(io.BytesIO(exported), actor=dispatcher, effective_on=date(2027, 1, 1))
    assert report.rejected == []

    def shape(version):
        return [
            (
                e.category_id,
                e.sub_matter,
                e.keywords,
                e.district_id,
                e.street,
                e.unit_id,
                sorted(u.pk for u in e.co_units.all()),
            )
            for e in version.entries.order_by("position")
        ]

    assert shape(report.version) == shape(catalogue)
    assert export_workbook(report.version) != b""


def test_the_import_page_and_the_command_N5(dispatcher, client, clock, tmp_path, capsys):
    clock("2026-12-01 09:00")
    client.force_login(dispatcher)
    upload = workbook([*GOOD, BAD[1]])
    upload.name = "目录.xlsx"
    page = client.post("/catalogue/import/", {"file": upload, "effective_on": "2026-12-01"})
    text = page.content.decode()
    assert page.status_code == 200, text
    assert "已导入3个条目" in text
    assert 'data-testid="rejected-row"><td>5</td><td>没有名为“天文”的类别。' in text
    export = client.get("/catalogue/1/export/")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")

    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(workbook([*GOOD, BAD[0]]).getvalue())
    call_command("import_catalogue", str(path), "--publish")
    out = capsys.readouterr().out
    assert "Imported 3 entries into version 1" in out and "row 5: " in out
    assert CatalogueVersion.objects.get(number=1).state == "published"
