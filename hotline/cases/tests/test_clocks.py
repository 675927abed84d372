"""Breaches and calendar changes (D1, D3, D5, R11)."""

import pytest

from hotline.calendar.models import CalendarDay, CalendarYear
from hotline.calendar.services import announce_change
from hotline.cases.clocks import breach_due_clocks, recompute_open_clocks
from hotline.cases.models import Clock, Event, Violation
from hotline.cases.tests.conftest import at

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


def test_a_clock_breaches_at_its_due_time_not_when_noticed_D3(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.web_case()
    clock("2026-12-05 13:00")
    assert breach_due_clocks().breached == 1
    dispatch = case.clocks.get(kind="dispatch")
    assert dispatch.breached_at == dispatch.due_at == at("2026-11-28 00:00")
    assert case.events.filter(action="clock_breached").count() == 1


def test_a_reply_clock_breached_with_no_reply_is_lapsed_D5(flow, clock, person):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    clock("2026-12-11 00:00")
    report = breach_due_clocks()
    assert report.breached == 2  # read (11-30) and reply (12-10) both missed
    assignment.refresh_from_db()
    case = assignment.case
    case.refresh_from_db()
    assert assignment.flag_lapsed and case.flag_lapsed and not case.flag_overdue
    kinds = sorted(Violation.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["lapsed", "late_read"]
    # nobody read it: the unit's handler on the roster answers for it (R11)
    assert {v.person for v in Violation.objects.filter(case=case)} == {person("city_handler")}


def test_a_late_read_is_recorded_against_the_unit_R8_1(flow, clock):
    clock("2026-11-26 10:00")
    flow.to(flow.phone_case(), CGW)
    clock("2026-12-01 08:00")  # read clock due end of Mon 11-30
    breach_due_clocks()
    violation = Violation.objects.get()
    assert (violation.kind, violation.unit.name, violation.occurred_at) == (
        "late_read",
        CGW,
        at("2026-12-01 00:00"),
    )


def test_met_clocks_never_breach_and_breaching_twice_does_nothing_twice_D3(flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    flow.handle(assignment)
    clock("2027-01-30 10:00")
    first = breach_due_clocks()
    second = breach_due_clocks()
    assert first.breached == 1  # only the review clock was still running
    assert second.breached == 0 and Violation.objects.count() == 0
    assert Event.objects.filter(action="clock_breached").count() == 1


def test_met_and_breached_are_written_once(flow, clock):
    """A duty done late keeps its breach and gets its met time too."""
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    clock("2026-12-02 09:00")
    breach_due_clocks()
    read = assignment.clocks.get(kind="read")
    flow.handle(assignment)
    read.refresh_from_db()
    assert read.breached_at == at("2026-12-01 00:00")
    assert read.met_at == at("2026-12-02 09:00")


def test_calendar_change_recomputes_open_clocks_and_records_it_D1(
    flow, clock, django_capture_on_commit_callbacks
):
    """D1: when next year's schedule is entered, open clocks running into it
    are recomputed, and each change appears in the case history."""
    clock("2026-12-24 10:00")  # Thursday
    assignment = flow.to(flow.phone_case(), CGW)
    reply = assignment.clocks.get(kind="reply")
    assert reply.provisional  # 10 working days run into unconfirmed 2027
    assert reply.due_at == at("2027-01-09 00:00")  # by rule only 01-01 is off
    with django_capture_on_commit_callbacks(execute=True):
        year = CalendarYear.objects.create(year=2027, confirmed=True, source="假设的通知")
        for day in ("2027-01-01", "2027-01-04", "2027-01-05"):
            CalendarDay.objects.create(year=year, date=day, kind="holiday", name="元旦")
        for day in ("2027-10-01", "2027-10-02", "2027-10-03"):
            CalendarDay.objects.create(year=year, date=day, kind="holiday", name="国庆节")
        announce_change(2027)
    reply.refresh_from_db()
    assert reply.due_at == at("2027-01-13 00:00") and not reply.provisional
    event = assignment.case.events.get(action="clock_recomputed", details__kind="reply")
    assert event.details["old_due"] == "2027-01-08T16:00:00+00:00"


def test_recompute_leaves_finished_clocks_alone_D1(flow, clock):
    clock("2026-12-24 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    flow.handle(assignment)  # read and reply clocks met
    year = CalendarYear.objects.create(year=2027, confirmed=True)
    CalendarDay.objects.create(year=year, date="2027-01-04", kind="holiday", name="假")
    recompute_open_clocks(2027)
    assert assignment.clocks.get(kind="reply").due_at == at("2027-01-09 00:00")


def test_clocks_keep_their_working_days(flow, clock):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    assert dict(assignment.clocks.values_list("kind", "working_days")) == {"read": 2, "reply": 10}
    assert Clock.objects.filter(kind="dispatch").get().working_days == 1


def test_the_scheduled_job_runs_one_at_a_time_and_twice_does_no_harm(flow, clock):
    """Several workers may run the every-minute job; the lock lets one in,
    and a second run finds nothing more to do."""
    from huey.exceptions import TaskLockedException

    from hotline.cases.tasks import watch_clocks
    from hotline.notifications.models import StaffNotification

    clock("2026-11-26 10:00")
    flow.to(flow.phone_case(), CGW)
    clock("2026-12-01 00:01")
    from hotline.cases.tasks import WATCHING

    with WATCHING, pytest.raises(TaskLockedException):
        watch_clocks.call_local()
    assert watch_clocks.call_local() == 1
    assert watch_clocks.call_local() == 0
    assert StaffNotification.objects.filter(text__contains="超时").count() == 2
