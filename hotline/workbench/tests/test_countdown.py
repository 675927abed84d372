"""The queue's countdown: working days left, amber under one, red when late."""

from datetime import datetime

import pytest
from django.utils import translation

from hotline.calendar.workdays import SHANGHAI, china_calendar
from hotline.workbench.countdown import countdown


def at(s):
    return datetime.fromisoformat(s).replace(tzinfo=SHANGHAI)


ROWS = [
    # (now, due, label, level)
    ("2026-11-26 10:00", "2026-11-28 00:00", "剩余1个工作日", "ok"),  # Thu; due end of Fri
    ("2026-11-26 10:00", "2026-12-01 00:00", "剩余2个工作日", "ok"),  # Fri, Mon (weekend free)
    ("2026-11-27 10:00", "2026-11-28 00:00", "剩余14小时", "soon"),  # due tonight: amber
    ("2026-11-27 23:30", "2026-11-28 00:00", "不足1小时", "soon"),
    ("2026-09-30 16:00", "2026-10-09 00:00", "剩余1个工作日", "ok"),  # across National Day
    ("2026-11-28 03:00", "2026-11-28 00:00", "已超时3小时", "breached"),  # red
    ("2026-12-01 09:00", "2026-11-28 00:00", "已超时2个工作日", "breached"),  # Mon, Tue... late
]


@pytest.mark.parametrize(("now", "due", "label", "level"), ROWS)
def test_countdown_in_working_days_and_hours(now, due, label, level):
    with translation.override("zh-hans"):
        result = countdown(china_calendar(), at(now), at(due))
    assert (result.label, result.level) == (label, level)


@pytest.mark.parametrize(
    ("language", "short", "shown"),
    [
        ("zh-hans", False, "2026-12-15 24:00前"),
        ("zh-hans", True, "12-15 24:00前"),
        ("en", False, "by 2026-12-15 24:00"),
    ],
)
def test_a_deadline_reads_as_the_end_of_its_last_day_D1(language, short, shown):
    """A clock due 2026-12-16 00:00 ends with 12-15, the last working day."""
    from hotline.workbench.templatetags.workbench import deadline

    with translation.override(language):
        assert deadline(at("2026-12-16 00:00"), short) == shown


def test_a_deadline_not_at_midnight_keeps_its_hour():
    from hotline.calendar.workdays import end_text

    assert end_text(at("2026-12-15 17:30")) == "2026-12-15 17:30"
    assert end_text(at("2026-12-16 00:00").astimezone(SHANGHAI), year=False) == "12-15 24:00"
