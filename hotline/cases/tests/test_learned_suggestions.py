"""Historical cases imported from a city's earlier system, and the dispatch
suggestions learned from the closed cases (issue 18)."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook

from hotline.cases import suggestions
from hotline.cases.errors import NotAllowed
from hotline.cases.importing import import_cases
from hotline.cases.models import Case, Event, SuggestionModel
from hotline.cases.search import search
from hotline.health.models import JobStatus
from hotline.notifications.models import Message
from hotline.organisation.models import User

HEADING = "受理时间,诉求内容,地点,类别,承办单位,答复,电话,姓名,渠道,办结时间\n"
# Clear texts per category and the unit that handled them (alias or name).
HISTORY = [
    ("CG", "城管委", "{place}人行道被占道经营，摊贩堵路", "已安排执法队员清理占道摊点。"),
    ("CG", "城管委", "{place}垃圾桶满了没人清运，臭味很大", "已通知环卫及时清运。"),
    ("JT", "福州市交通运输局", "{place}公交车晚点严重，等了一个小时", "已督促公交公司加密班次。"),
    ("JT", "福州市交通运输局", "{place}出租车拒载绕路，司机态度差", "已对涉事司机依法处理。"),
    ("SL", "福州市水利局", "{place}河道水质发黑发臭，漂浮垃圾", "已组织河道保洁清理。"),
    ("SL", "福州市水利局", "{place}内河水位上涨，堤岸有渗水", "已派员巡查加固堤岸。"),
]
PLACES = ["鼓楼区温泉路", "台江区八一七路", "仓山区金山街道", "晋安区岳峰镇", "马尾区罗星街道"]


def history_csv(copies: int = 4) -> bytes:
    lines = [HEADING]
    day = 1
    for _ in range(copies):
        for place in PLACES:
            for category, unit, text, reply in HISTORY:
                lines.append(
                    f"2025-03-{day % 28 + 1:02d} 09:30,{text.format(place=place)},{place},"
                    f"{category},{unit},{reply},13800000{day % 1000:03d},张三,电话,"
                    f"2025-03-{day % 28 + 1:02d} 17:00\n"
                )
                day += 1
    return "".join(lines).encode("utf-8")


def admin() -> User:
    return User.objects.get(username="admin")


def test_import_loads_closed_cases_and_reports_bad_rows_in_chinese(db):
    """Good rows become closed cases with their unit's reply; each bad row
    is reported with its row number and why, and stops no other."""
    data = (
        HEADING + "2025-03-01 09:30,温泉路路灯不亮,鼓楼区温泉路,CG,城管委,已修复路灯。,13800000001,"
        "李四,电话,2025-03-02 10:00\n"
        "2025-03-01,内容,,CG,不存在的单位,答复,,,,\n"
        "昨天,内容,,CG,城管,答复,,,,\n"
        "2025-03-01,,,CG,城管,答复,,,,\n"
        "2025-03-01,内容,,没有的类别,城管,答复,,,,\n"
        "2025-03-05,内容,,CG,城管,答复,,,,2025-03-01\n"
        "2025-03-05,内容,,CG,城管,答复,,,,\n"
    ).encode("gb18030")
    report = import_cases(io.BytesIO(data), actor=admin(), file_name="old.csv")
    assert report.imported == 1
    assert [r.row for r in report.rejected] == [3, 4, 5, 6, 7, 8]
    reasons = [r.reason for r in report.rejected]
    assert "不存在的单位" in reasons[0]
    assert "昨天" in reasons[1]
    assert "城管" in reasons[5]  # an alias of the city's and the districts' units
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in reasons)
    case = Case.objects.get(content="温泉路路灯不亮")
    assert case.state == "closed" and case.result == "已修复路灯。"
    assert case.assignments.get().unit.name == "福州市城市管理委员会"
    assert case.assignments.get().replies.get().content == "已修复路灯。"
    assert Event.objects.get(case=case).details == {"file": "old.csv", "row": 2}


def test_imported_cases_are_searchable_masked_and_silent(db):
    """Found by staff search, indexed as the public reads it (a phone in the
    text is not indexed), never published, and nobody is sent anything."""
    data = (
        HEADING + "2025-04-01 08:00,小区电梯故障困人，联系13912345678,台江区,ZJ,福州市城乡建设局,"
        "已督促物业维修。,13912345678,王五,网站,\n"
    ).encode()
    before = Message.objects.count()
    report = import_cases(io.BytesIO(data), actor=admin(), file_name="old.csv")
    assert report.imported == 1 and not report.rejected
    assert Message.objects.count() == before
    case = Case.objects.get(content__startswith="小区电梯")
    assert list(search(Case.objects.all(), "电梯故障")) == [case]
    assert "13912345678" not in case.search_text
    assert not case.published and case.channel == "web"


def test_an_excel_file_imports_too(db):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADING.strip().split(","))
    sheet.append(
        ["2025-05-06 10:00", "公交站台破损", "鼓楼区", "交通出行", "福州市交通运输局", "已修复。"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    report = import_cases(buffer, actor=admin(), file_name="old.xlsx")
    assert report.imported == 1
    assert Case.objects.get(content="公交站台破损").category.code == "JT"


def test_only_an_administrator_imports(flow):
    with pytest.raises(NotAllowed):
        import_cases(io.BytesIO(history_csv(1)), actor=flow.agent, file_name="old.csv")


def test_the_command_imports_and_reports(db, tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes(history_csv(1) + "2025-03-01,内容,,CG,谁,答复,,,,\n".encode())
    out = io.StringIO()
    call_command("import_cases", str(path), stdout=out)
    assert "Imported 30 cases" in out.getvalue()
    assert "row 32: " in out.getvalue() and "谁" in out.getvalue()


@pytest.fixture
def trained(db):
    import_cases(io.BytesIO(history_csv()), actor=admin(), file_name="old.csv")
    row = suggestions.train_suggestions()
    assert row is not None and row.cases == 120
    return row


def test_suggestions_are_empty_before_any_model_is_trained(db):
    assert not suggestions.suggest("河道发臭", "鼓楼区")
    assert suggestions.suggest("河道发臭").units == []


def test_a_clear_text_ranks_the_unit_that_handled_such_cases_first(trained):
    found = suggestions.suggest("门口河道水质发黑发臭", "晋安区")
    assert found.units[0].item.name == "福州市水利局"
    assert found.categories[0].item.code == "SL"
    assert found.units[0].score > found.units[1].score
    assert suggestions.suggest("出租车拒载").units[0].item.name == "福州市交通运输局"


def test_a_newer_model_is_loaded_by_a_running_process(trained):
    suggestions.suggest("河道发臭")
    newer = suggestions.train_suggestions()
    suggestions.suggest("河道发臭")
    assert suggestions._loaded[0] == newer.pk


def test_the_nightly_training_is_recorded(trained):
    from hotline.cases.tasks import train_suggestions_nightly

    train_suggestions_nightly()
    status = JobStatus.objects.get(name="hotline.cases.tasks.train_suggestions_nightly")
    assert status.last_succeeded_at is not None
    assert SuggestionModel.objects.count() == 2


def test_the_command_trains(trained):
    out = io.StringIO()
    call_command("train_suggestions", stdout=out)
    assert "Trained on 120 cases" in out.getvalue()


def test_the_screening_screen_offers_the_history_s_units(trained, flow):
    case = flow.phone_case(content="门口河道水质发黑发臭，漂浮垃圾很多", location="晋安区")
    client = Client()
    client.force_login(flow.city_dispatcher)
    page = client.get(f"/cases/{case.number}/screen/").content.decode()
    assert 'data-testid="learned-suggestions"' in page
    assert "按历史件推荐" in page
    assert "福州市水利局" in page.split('data-testid="learned-suggestions"')[1][:2000]


def test_the_screening_screen_shows_no_history_before_a_model(flow):
    case = flow.phone_case(content="门口河道水质发黑发臭", location="晋安区")
    client = Client()
    client.force_login(flow.city_dispatcher)
    page = client.get(f"/cases/{case.number}/screen/")
    assert page.status_code == 200
    assert 'data-testid="learned-suggestions"' not in page.content.decode()


def test_a_corrupted_model_suggests_nothing_instead_of_failing_the_screen(flow, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(suggestions, "_loaded", None)  # another test's model, same id

    SuggestionModel.objects.create(
        trained_at=timezone.now(), cases=1, seconds=0, metadata={}, data=b"not a model"
    )
    case = flow.phone_case(content="门口河道水质发黑发臭", location="晋安区")
    assert not suggestions.suggest("河道发臭", "鼓楼区")
    client = Client()
    client.force_login(flow.city_dispatcher)
    assert client.get(f"/cases/{case.number}/screen/").status_code == 200


def test_an_import_reports_a_time_out_of_range_instead_of_failing(db):
    data = (
        HEADING + "0001-01-01 00:00,内容,,CG,城管委,答复,,,,\n"
        "2025-03-01 09:30,路灯不亮,,CG,城管委,已修复。,,,,\n"
    ).encode("utf-8")
    report = import_cases(io.BytesIO(data), actor=admin(), file_name="old.csv")
    assert report.imported == 1
    assert [r.row for r in report.rejected] == [2] and "0001-01-01" in report.rejected[0].reason


def test_an_import_keeps_no_nul_character_the_database_would_refuse(db):
    data = (HEADING + "2025-03-01 09:30,路灯\x00不亮,,CG,城管委,已\x00修复。,,,,\n").encode()
    assert import_cases(io.BytesIO(data), actor=admin(), file_name="old.csv").imported == 1
    case = Case.objects.get()
    assert case.content == "路灯不亮" and case.result == "已修复。"


def test_a_row_imported_already_is_reported_not_imported_twice(db):
    """A stopped import run again, or a file with a row twice: the figures
    would count the same request twice."""
    row = "2025-03-01 09:30,温泉路路灯不亮,,CG,城管委,已修复。,13800000001,,,\n"
    data = (HEADING + row + row).encode("utf-8")
    first = import_cases(io.BytesIO(data), actor=admin(), file_name="old.csv")
    assert first.imported == 1 and [r.row for r in first.rejected] == [3]
    again = import_cases(io.BytesIO(data), actor=admin(), file_name="old.csv")
    assert again.imported == 0 and [r.row for r in again.rejected] == [2, 3]
    assert Case.objects.count() == 1
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r.reason) for r in again.rejected)
