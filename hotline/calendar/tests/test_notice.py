"""Reading the State Council's holiday notice (D1), case by case."""

from datetime import date, timedelta

import pytest

from hotline.calendar.notice import check_schedule, parse, read, statutory_notice, working_days_in
from hotline.calendar.workdays import load_shipped_data, statutory_holidays

SCHEDULES, FESTIVALS = load_shipped_data()

NOTICE_2024 = (
    "一、元旦：1月1日放假，与周末连休。"
    "二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。"
    "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。"
    "三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。"
    "四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。"
    "五、端午节：6月10日放假，与周末连休。"
    "六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。"
    "七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。"
)
NOTICE_2025 = """\
经国务院批准，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下：
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
"""
NOTICE_2026 = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
"""


def days(first, last=None):
    a = date.fromisoformat(first)
    b = date.fromisoformat(last or first)
    return {a + timedelta(days=i) for i in range((b - a).days + 1)}


@pytest.mark.parametrize(
    "year, text", [(2024, NOTICE_2024), (2025, NOTICE_2025), (2026, NOTICE_2026)]
)
def test_the_real_notices_give_the_shipped_schedules_D1(year, text):
    """D1: the notices of 2024–2026, read as published, give exactly the
    shipped data, with nothing to warn about."""
    notice = read(text, year, FESTIVALS[year])
    assert notice.problems == []
    assert notice.schedule(FESTIVALS[year]) == SCHEDULES[year]


# One row per case: what is written, the days off and worked it gives.
PARSED = [
    # a range with 至, the end day in the start's month
    ("一、春节：2月15日至23日放假调休，共9天。", days("2026-02-15", "2026-02-23"), set()),
    # a range with a hyphen
    ("二、春节：2月15日-23日放假，共9天。", days("2026-02-15", "2026-02-23"), set()),
    # a range with an em dash
    ("二、春节：2月15日—23日放假，共9天。", days("2026-02-15", "2026-02-23"), set()),
    # a range crossing a month
    ("五、端午节：5月31日至6月2日放假，共3天。", days("2026-05-31", "2026-06-02"), set()),
    # full-width digits and punctuation
    (
        "二、春节：２月１５日至２３日放假调休，共９天。２月１４日（周六）上班。",
        days("2026-02-15", "2026-02-23"),
        days("2026-02-14"),
    ),
    # several days worked, the second without its month
    (
        "七、国庆节：10月1日至7日放假。9月20日、10月10日上班。",
        days("2026-10-01", "2026-10-07"),
        days("2026-09-20") | days("2026-10-10"),
    ),
    # a single day off
    ("一、元旦：1月1日放假，与周末连休。", days("2026-01-01"), set()),
    # no numbering, a line per festival
    (
        "元旦：1月1日放假\n春节：2月16日至19日放假",
        days("2026-01-01") | days("2026-02-16", "2026-02-19"),
        set(),
    ),
    # a date in an aside (the encouraged 除夕 rest day) is not a day off
    (
        "二、春节：2月15日至16日放假。鼓励安排职工在除夕（2月16日）休息。",
        days("2026-02-15", "2026-02-16"),
        set(),
    ),
]


@pytest.mark.parametrize("text, off, worked", PARSED)
def test_parse(text, off, worked):
    notice = parse(text, 2026)
    assert notice.errors == []
    assert set().union(*(e.off for e in notice.entries)) == off
    assert set().union(*(e.worked for e in notice.entries)) == worked


# One row per case: what is written for 2026 and the problems it must raise.
PROBLEMS = [
    # D1: a day off outside the year is refused
    (NOTICE_2026 + "八、国庆节：2027年1月4日放假。", {"outside_year"}),
    # D1: a year with only 3 days off: six festivals missing, too many working days
    ("一、元旦：1月1日至3日放假，共3天。", {"festival_missing", "working_days_count"}),
    # D1: a festival named but its statutory day left out
    (
        NOTICE_2026.replace("6月19日（周五）至21日", "6月20日（周六）至21日").replace(
            "共3天。\n六", "共2天。\n六"
        ),
        {"festival_day_not_off"},
    ),
    # a make-up working day on a weekday
    (NOTICE_2026.replace("5月9日（周六）上班", "5月8日（周五）上班"), {"workday_on_weekday"}),
    # a stated total that the dates do not give is a warning
    (NOTICE_2026.replace("共9天", "共8天"), {"total_mismatch"}),
    # an impossible date
    (
        "一、元旦：2月30日放假。",
        {"unreadable_date", "festival_day_not_off", "festival_missing", "working_days_count"},
    ),
    # a range that ends before it starts
    (
        NOTICE_2026.replace("10月1日（周四）至7日", "10月7日至1日"),
        {"range_backwards", "festival_day_not_off", "total_mismatch"},
    ),
    # a range of months is a typing mistake, not days to spell out
    (
        NOTICE_2026.replace("10月1日（周四）至7日", "10月1日至12月7日"),
        {"range_too_long", "festival_day_not_off", "total_mismatch"},
    ),
    # a heading that is no festival
    (NOTICE_2026 + "八、植树节：3月12日放假。", {"unknown_festival"}),
    # nothing recognisable at all
    ("放假安排另行通知", {"nothing_found", "festival_missing"}),
]


@pytest.mark.parametrize("text, codes", PROBLEMS)
def test_problems_D1(text, codes):
    """D1: dates inside the year, every statutory festival given, a
    plausible count of working days."""
    assert {p.code for p in read(text, 2026, FESTIVALS[2026]).problems} == codes


def test_errors_stop_and_warnings_do_not():
    notice = read(NOTICE_2026.replace("共9天", "共8天"), 2026, FESTIVALS[2026])
    assert notice.errors == [] and [p.code for p in notice.warnings] == ["total_mismatch"]
    assert read("一、元旦：1月1日放假。", 2026, FESTIVALS[2026]).errors


def test_the_statutory_draft_reads_back_as_the_statutory_holidays_D1():
    """D1: the page is pre-filled with the holidays the law fixes; read back,
    they are exactly the rule's, with no make-up day."""
    for year in (2027, 2030):
        notice = read(statutory_notice(year, FESTIVALS[year]), year, FESTIVALS[year])
        assert notice.errors == []
        schedule = notice.schedule(FESTIVALS[year])
        assert schedule.holidays == statutory_holidays(year, FESTIVALS[year])
        assert schedule.workdays == frozenset()


def test_published_years_have_a_plausible_number_of_working_days():
    for year, schedule in SCHEDULES.items():
        assert 246 <= working_days_in(year, schedule) <= 253, year


def test_every_published_year_passes_the_checks_D1():
    """D1: the law's versions as encoded (1999, 2008, 2014, 2025) agree with
    every shipped schedule, so an administrator correcting an old year in
    the administration is not refused for a holiday the law of the day did
    not have."""
    for year, schedule in SCHEDULES.items():
        assert check_schedule(year, schedule, FESTIVALS[year]) == [], year
