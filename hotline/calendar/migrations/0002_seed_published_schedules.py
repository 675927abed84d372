"""Seed the published schedules 2004–2026 from the data the project ships (D1)."""

import json
from datetime import date

from django.db import migrations

from hotline.calendar.workdays import DATA_FILE


def seed(apps, schema_editor):
    CalendarYear = apps.get_model("workcalendar", "CalendarYear")
    CalendarDay = apps.get_model("workcalendar", "CalendarDay")
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for year, entry in raw["schedules"].items():
        calendar_year = CalendarYear.objects.create(
            year=int(year), confirmed=True, source="State Council notice (shipped data)"
        )
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(year=calendar_year, date=date.fromisoformat(d), kind=kind, name=name)
                for kind, key in (("holiday", "holidays"), ("workday", "workdays"))
                for d, name in entry[key]
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
