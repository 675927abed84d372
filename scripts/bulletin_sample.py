"""Write docs/samples/bulletin-2026-11.pdf and .xlsx: the city efficiency
office's bulletin for November 2026, published by the code itself
(hotline.supervision.bulletins.publish) over a month of cases moved through
the workflow's verbs, in a throwaway SQLite database.

    HOTLINE_ENV=development .venv/bin/python scripts/bulletin_sample.py

Needs the development dependencies (time-machine travels to each day)."""

import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "samples"


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bulletin-sample-"))
    os.environ.update(
        HOTLINE_ENV="development",
        HOTLINE_VAR_DIR=str(scratch),
        MEDIA_ROOT=str(scratch / "media"),
        DATABASE_URL=f"sqlite:///{scratch / 'sample.sqlite3'}",
        HOTLINE_HUEY_IMMEDIATE="1",
        DJANGO_SETTINGS_MODULE="hotline.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        publish_sample()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def publish_sample() -> None:
    import time_machine

    from hotline.cases import actions
    from hotline.cases.clocks import breach_due_clocks
    from hotline.cases.demo import load_categories
    from hotline.cases.tests.conftest import Flow, at, staff, unit
    from hotline.organisation.demo import load_fuzhou_demo
    from hotline.organisation.models import User
    from hotline.supervision import bulletins
    from hotline.supervision.models import DocumentSeries
    from hotline.supervision.rules import propose_warnings

    load_fuzhou_demo()
    load_categories()
    flow = Flow()
    traveller = None

    def day(when):
        nonlocal traveller
        if traveller:
            traveller.stop()
        traveller = time_machine.travel(at(when), tick=False)
        traveller.start()

    cgw, jt, fg, hb, sj = (
        "福州市城市管理委员会",
        "福州市交通运输局",
        "福州市住房保障和房产管理局",
        "福州市生态环境局",
        "福州市市场监督管理局",
    )
    day("2026-11-02 09:00")
    cases = {
        "cgw1": flow.to(flow.phone_case(content="东街口路灯不亮。"), cgw),
        "cgw2": flow.to(flow.phone_case(content="五一广场垃圾未清运。"), cgw),
        "cgw3": flow.to(flow.web_case(content="小区门口占道经营。"), cgw),
        "jt1": flow.to(flow.phone_case(content="公交站牌损坏。"), jt),
        "jt2": flow.to(flow.web_case(content="出租车拒载。"), jt),
        "jt3": flow.to(flow.phone_case(content="道路施工围挡占道。"), jt),
        "fg1": flow.to(flow.phone_case(content="公租房漏水。"), fg),
        "fg2": flow.to(flow.phone_case(content="物业费收取不合理。"), fg),
        "hb1": flow.to(flow.phone_case(content="夜间工地噪音扰民。"), hb),
        "hb2": flow.to(flow.web_case(content="河道有异味。"), hb),
        "sj1": flow.to(flow.phone_case(content="超市售卖过期食品。"), sj),
    }
    day("2026-11-03 10:00")
    for key in ("cgw1", "cgw2", "jt1", "fg1", "hb1"):
        flow.handle(cases[key])
    day("2026-11-04 10:00")
    for key in ("cgw1", "cgw2", "jt1", "hb1"):
        flow.review(cases[key].part)
    flow.review(cases["fg1"].part, approve=False, reasons="未说明维修时限")
    flow.handle(cases["cgw3"])
    flow.handle(cases["jt2"])
    day("2026-11-05 10:00")
    flow.reply(cases["fg1"], "已安排维修，11月10日前完成。")
    flow.review(cases["cgw3"].part)
    flow.review(cases["jt2"].part)
    # Read a day after its read clock ran out (due at the end of 11-04).
    flow.handle(cases["sj1"])
    day("2026-11-06 10:00")
    flow.review(cases["fg1"].part)
    flow.review(cases["sj1"].part)
    ratings = {
        "cgw1": "satisfied",
        "cgw2": "satisfied",
        "cgw3": "basically_satisfied",
        "jt1": "satisfied",
        "jt2": "dissatisfied",
        "fg1": "basically_satisfied",
        "hb1": "satisfied",
        "sj1": "satisfied",
    }
    for key, rating in ratings.items():
        actions.rate_case(case=flow.close(cases[key].case), satisfaction=rating)
    day("2026-11-09 10:00")
    flow.handle(cases["fg2"])
    day("2026-11-10 10:00")
    flow.review(cases["fg2"].part)
    day("2026-11-20 09:00")
    # 交通运输局 and 生态环境局 never read jt3 and hb2: late reads, then lapsed.
    breach_due_clocks()
    actions.read_assignment(actor=staff(jt, "handler"), assignment=cases["jt3"])
    day("2026-12-01 09:00")
    breach_due_clocks()
    propose_warnings(date(2026, 11, 1))
    office = unit("福州市效能办")
    # As if the office had issued ten documents of its series this year.
    DocumentSeries.objects.create(office=office, year=2026, prefix="榕12345通", last=10)
    bulletin = bulletins.publish(
        actor=User.objects.get(username="city_supervisor"),
        office=office,
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
    )
    traveller.stop()
    OUT.mkdir(parents=True, exist_ok=True)
    for field, suffix in ((bulletin.pdf, "pdf"), (bulletin.xlsx, "xlsx")):
        target = OUT / f"bulletin-2026-11.{suffix}"
        with field.open("rb") as source:
            target.write_bytes(source.read())
        print(f"{target.relative_to(ROOT)}  {bulletin.number} {bulletin.title}")


if __name__ == "__main__":
    main()
