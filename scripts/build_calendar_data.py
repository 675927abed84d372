"""Write hotline/calendar/data/china.json from the `holidays` package (D1).

Run by hand when a new year's schedule is published, then check the result
against the State Council notice (the tests in hotline/calendar/tests pin the
published years) before committing it. The app never imports `holidays`:
what it knows of a year is the data file and the database, so a package
upgrade can never move a deadline.

    .venv/bin/python scripts/build_calendar_data.py
"""

import json
import re
from datetime import date
from pathlib import Path

import holidays
from holidays.calendars.chinese import _ChineseLunisolar

OUT = Path(__file__).resolve().parent.parent / "hotline" / "calendar" / "data" / "china.json"
SCHEDULE_YEARS = range(2004, 2027)  # the published State Council schedules
FESTIVAL_YEARS = range(2004, 2101)  # how far provisional years can be computed
SUBSTITUTED = re.compile(r"substituted from (\d\d)/(\d\d)/(\d{4})")


def schedule(year: int) -> dict:
    chinese = holidays.China(years=year, language="zh_CN")
    off = [[d.isoformat(), chinese[d]] for d in sorted(chinese)]
    # A make-up day can stand for a day off in the year before or after it.
    english = holidays.China(years=[year - 1, year, year + 1], language="en_US")
    on = []
    for d in sorted(english):
        for m, day, y in SUBSTITUTED.findall(english[d]):
            worked = date(int(y), int(m), int(day))
            if worked.year == year:
                on.append([worked.isoformat(), f"调休上班（{d.year}年{d.month}月{d.day}日休息）"])
    return {"holidays": off, "workdays": sorted(on)}


def festivals(year: int) -> dict:
    lunisolar = _ChineseLunisolar()
    return {
        "spring_festival": lunisolar.lunar_new_year_date(year)[0].isoformat(),
        "qingming": lunisolar.qingming_date(year)[0].isoformat(),
        "dragon_boat": lunisolar.dragon_boat_date(year)[0].isoformat(),
        "mid_autumn": lunisolar.mid_autumn_date(year)[0].isoformat(),
    }


def main() -> None:
    data = {
        "source": f"holidays {holidays.__version__}, checked against the State Council notices",
        "schedules": {str(y): schedule(y) for y in SCHEDULE_YEARS},
        "festivals": {str(y): festivals(y) for y in FESTIVAL_YEARS},
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
