"""The issue's scenario (issue 18, N4): a water main bursts on 五四路 and forty
people report it within two hours, in their own words, by phone (mobiles
and landlines), SMS and the web. The city bureau merges them into one lead
case: one dispatch, one handling, one reply; forty results go out through
forty channels, each requester may rate, and the figures count forty
requests received and one case handled."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.cases import actions, rating
from hotline.cases.actions import RequesterDetails
from hotline.cases.models import Assignment, Case, Category
from hotline.cases.repeats import merge_candidates
from hotline.notifications.models import Message

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"
PLACE = "鼓楼区五四路"
WORDS = (
    "五四路水管爆裂，路面大量积水。",
    "五四路自来水管破了，水漫到马路上，车都过不去。",
    "鼓楼区五四路有水管爆了，水一直往外冒，请尽快派人抢修。",
    "五四路附近停水了，听说是水管爆裂，什么时候能恢复供水？",
    "五四路路面积水严重，像是地下水管破裂，行人没法走。",
)
# Thirty mobiles, four landlines, three SMS, three web: forty requests.
CHANNELS = ["mobile"] * 30 + ["landline"] * 4 + ["sms"] * 3 + ["web"] * 3


def report(flow, i: int, how: str) -> Case:
    words = WORDS[i % len(WORDS)]
    category = Category.objects.get(code="CG")
    if how == "web":
        return flow.web_case(
            words,
            requester=RequesterDetails(name=f"网民{i}", phone=f"1390591{i:04d}"),
            location=PLACE,
            category=category,
        )
    phone = f"0591-8{i:07d}" if how == "landline" else f"1380591{i:04d}"
    return flow.phone_case(
        words,
        requester=RequesterDetails(name=f"市民{i}", phone=phone),
        channel="sms" if how == "sms" else "phone",
        location=PLACE,
        category=category,
    )


def burst_main(flow, clock, a_minute_later=None) -> list[Case]:
    """The forty requests, merged into the first, dispatched, handled,
    reviewed and closed; the figures' and the early warning's side of the
    scenario run it too (hotline/supervision/tests/test_merging_figures.py:
    the cases app never imports supervision). `a_minute_later(n)` runs a
    minute after the n-th request, as the worker's every-minute job does."""
    cases = []
    for i, how in enumerate(CHANNELS):
        # 40 requests from 08:00 to 09:57, one every three minutes.
        minutes = 3 * i
        clock(f"2026-11-26 {8 + minutes // 60:02d}:{minutes % 60:02d}")
        cases.append(report(flow, i, how))
        if a_minute_later is not None:
            minutes += 1
            clock(f"2026-11-26 {8 + minutes // 60:02d}:{minutes % 60:02d}")
            a_minute_later(i + 1)

    clock("2026-11-26 10:05")
    lead, *others = cases
    found = merge_candidates(Case.objects.get(pk=lead.pk))
    assert {c.pk for c in others} <= {c.pk for c in found}
    actions.merge_cases(actor=flow.city_dispatcher, lead=lead, cases=found)
    assert Case.objects.filter(merged_into=lead, state="merged").count() == 39

    assignment = flow.to(Case.objects.get(pk=lead.pk), CGW)
    assert Assignment.objects.count() == 1
    clock("2026-11-26 16:00")
    flow.handle(assignment, reply="已关闭阀门抢修爆裂水管，五四路已恢复供水，路面积水已排除。")
    flow.review(assignment.part)
    flow.close(Case.objects.get(pk=lead.pk))
    return cases


def test_forty_calls_about_one_burst_main_become_one_handling_and_forty_results_N4(
    flow, clock, client
):
    cases = burst_main(flow, clock)
    closed = Case.objects.filter(pk__in=[c.pk for c in cases])
    assert set(closed.values_list("state", flat=True)) == {"closed"}
    assert len(set(closed.values_list("result", flat=True))) == 1
    results = Message.objects.filter(kind=Message.Kind.RESULT)
    assert results.count() == 40 and len({m.case_id for m in results}) == 40
    # Phone callers are called back by the agents (mobiles and landlines
    # alike); SMS and web requesters get an SMS.
    assert Counter(results.values_list("channel", flat=True)) == {"callback": 34, "sms": 6}

    # 40 ratings possible: every case is closed, unrated, with its own link.
    links = {m.case_id: re.search(r"/portal/rate/\S+/", m.text) for m in results}
    rateable = [c for c in closed if rating.case_for(links[c.pk].group(0).split("/")[-2]) == c]
    assert len(rateable) == 40
    # Several rate through the portal, each on their own case.
    for case in [c for c in closed if c.channel != "phone"][:4]:
        client.get(links[case.pk].group(0), follow=True)
        client.post("/portal/track/case/", {"satisfaction": "satisfied", "comment": "修得快"})
        client.cookies.clear()
    assert Case.objects.filter(satisfaction="satisfied").count() == 4

    # Intake 40, handling 1: hotline/supervision/tests/test_merging_figures.py.


def test_merging_many_cases_stays_within_its_statement_budget_N4(flow, clock):
    """Five statements whatever the number merged: the lock (with every
    case and what the checks read), the merged cases, the lead, their
    clocks and the events on both sides."""
    clock("2026-11-26 10:00")
    few = [report(flow, i, "mobile") for i in range(3)]
    many = [report(flow, i, "mobile") for i in range(3, 23)]
    flow.city_dispatcher.grants()
    for lead, cases in ((few[0], few[1:]), (many[0], many[1:])):
        with CaptureQueriesContext(connection) as captured:
            actions.merge_cases(actor=flow.city_dispatcher, lead=lead, cases=cases)
        sent = [q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
        assert len(sent) <= 5, [q["sql"][:80] for q in sent]
