"""Reference data a process keeps a copy of (hotline.reference): an edit
made between two actions is what the second action uses, though each verb
reads the revisions beside the case it locks instead of in statements of
their own."""

import datetime

import pytest
from django.db import transaction

from hotline.calendar.models import CalendarDay, CalendarYear
from hotline.cases.models import Event
from hotline.cases.tests.conftest import at
from hotline.notifications.models import Message, MessageTemplate
from hotline.organisation.models import Unit

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


def closed(flow, content):
    case = flow.phone_case(content=content)
    assignment = flow.to(case, CGW)
    flow.handle(assignment)
    flow.review(assignment.part)
    return flow.close(case)


def result_text(case):
    return Message.objects.get(case=case, kind="result").text


def test_a_template_edited_between_two_closes_is_the_one_the_second_sends(flow, clock):
    clock("2026-11-26 10:00")
    first = closed(flow, "东街口路灯不亮，请维修。")
    assert result_text(first).startswith("您反映的诉求")
    template = MessageTemplate.objects.get(kind="result")
    template.text = "【福州12345】诉求{number}已办结：{result}。评价：{rating_url}"
    template.save()
    second = closed(flow, "五一广场井盖缺失，请尽快处理。")
    assert result_text(second).startswith(f"【福州12345】诉求{second.number}已办结")


def test_an_edit_rolled_back_leaves_no_copy_behind(flow, clock):
    clock("2026-11-26 10:00")
    closed(flow, "东街口路灯不亮，请维修。")
    template = MessageTemplate.objects.get(kind="result")
    with pytest.raises(RuntimeError), transaction.atomic():
        template.text = "临时文本{number}{result}{rating_url}"
        template.save()
        assert result_text(closed(flow, "台江路积水严重。")).startswith("临时文本")
        raise RuntimeError("the edit is abandoned")
    later = closed(flow, "五一广场井盖缺失，请尽快处理。")
    assert result_text(later).startswith("您反映的诉求")


def test_the_city_bureau_renamed_is_the_name_the_next_forward_records(flow, clock):
    clock("2026-11-26 10:00")
    flow.phone_case()
    bureau = Unit.objects.get(kind=Unit.Kind.PETITION_BUREAU, level=Unit.Level.CITY)
    bureau.name = "福州市信访局（12345便民服务平台）"
    bureau.save()
    case = flow.phone_case(content="台江路积水严重，请疏通。")
    forward = Event.objects.get(case=case, action="forward")
    assert forward.details["to"] == "福州市信访局（12345便民服务平台）"


def test_a_day_off_added_between_two_dispatches_moves_the_second_due_date(flow, clock):
    clock("2026-11-26 10:00")  # Thursday; 10 working days → Thu 12-10
    first = flow.to(flow.phone_case(), CGW)
    year = CalendarYear.objects.get(year=2026)
    CalendarDay.objects.create(
        year=year, date=datetime.date(2026, 12, 1), kind=CalendarDay.Kind.HOLIDAY, name="测试"
    )
    second = flow.to(flow.phone_case(content="台江路积水严重，请疏通。"), CGW)
    reply_due = {a: a.clocks.get(kind="reply").due_at for a in (first, second)}
    assert reply_due[first] == at("2026-12-11 00:00")
    assert reply_due[second] == at("2026-12-12 00:00")
