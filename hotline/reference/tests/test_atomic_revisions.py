"""ADR 10: "a save or delete of any of their rows writes a fresh random
token for its kind, in the change's own transaction", also when the caller
saves in autocommit (reference.models.KeptEverywhere).

Model.save() alone commits its row before post_save runs, so the token
would be written in a transaction of its own; when that write failed (here:
it times out behind an administrator's open calendar edit, which is then
abandoned), the day stayed in the database with no token moved, and every
process kept counting deadlines without it until it restarted."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction

from hotline.calendar.models import CalendarDay, CalendarYear
from hotline.cases.tests.conftest import Flow, at

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks between two connections need PostgreSQL",
    ),
]
CGW = "福州市城市管理委员会"
DAY_OFF = datetime.date(2026, 12, 1)


def test_a_day_off_saved_is_counted_or_not_saved_at_all(committed_demo, clock):
    clock("2026-11-26 10:00")  # Thursday; 10 working days → due 12-11 00:00
    flow = Flow()
    first = flow.to(flow.phone_case(), CGW)  # this process now holds a calendar copy
    assert first.clocks.get(kind="reply").due_at == at("2026-12-11 00:00")

    holding, release = threading.Event(), threading.Event()

    def administrator_editing_another_year():
        try:
            with pytest.raises(RuntimeError), transaction.atomic():
                year = CalendarYear.objects.get(year=2025)
                year.source = "国办发明电〔2024〕12号（修订中）"
                year.save()  # takes the calendar's revision row until it ends
                holding.set()
                release.wait(10)
                raise RuntimeError("the administrator abandons the edit")
        finally:
            holding.set()
            connection.close()

    admin = threading.Thread(target=administrator_editing_another_year)
    admin.start()
    assert holding.wait(10)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
        with pytest.raises(OperationalError):  # the save reports a failure…
            CalendarDay.objects.create(
                year=CalendarYear.objects.get(year=2026),
                date=DAY_OFF,
                kind=CalendarDay.Kind.HOLIDAY,
                name="临时调休",
            )
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    finally:
        release.set()
        admin.join()

    second = flow.to(flow.phone_case(content="台江路积水严重，请疏通。"), CGW)
    due = second.clocks.get(kind="reply").due_at
    saved = CalendarDay.objects.filter(date=DAY_OFF).exists()
    # …so either the day is not in the calendar, or deadlines count it.
    assert not saved or due == at("2026-12-12 00:00"), (saved, due)
