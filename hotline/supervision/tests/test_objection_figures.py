"""Objections per unit (N6): counted by hand, the same on the dashboard, in
the bulletin's PDF page and its Excel workbook, live or settled."""

import io
from datetime import date

import openpyxl
import pytest

from hotline.cases import actions
from hotline.cases.actions import PartPlan
from hotline.cases.tests.conftest import staff, unit
from hotline.organisation.models import Unit
from hotline.supervision import bulletins, dashboard
from hotline.supervision.figures import settle_past_days

pytestmark = pytest.mark.django_db
CGW, SJ, GA = "福州市城市管理委员会", "福州市市场监督管理局", "福州市公安局"
NOV = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def objections(flow, clock):
    """In November, four cases go to 城管委; it objects to three:
    甲 accepted, sent on to 市场监管 (reassigned);
    乙 rejected;
    丙 accepted, and the bureau names 市场监管 lead and 公安 co-handler in
    its decision (reassigned);
    丁 not objected to. 市场监管 objects to 甲 in turn: rejected."""
    clock("2026-11-02 10:00")
    a, b, c, _d = (flow.to(flow.phone_case(content=f"{w}：占道经营"), CGW) for w in "甲乙丙丁")
    for x in (a, b, c):
        actions.return_assignment(actor=staff(CGW, "handler"), assignment=x, reason="非本单位")
    clock("2026-11-02 15:00")
    actions.decide_return(actor=flow.city_dispatcher, assignment=a, withdraw=True)
    actions.decide_return(
        actor=flow.city_dispatcher, assignment=b, withdraw=False, note="属于城管职责"
    )
    actions.decide_return(
        actor=flow.city_dispatcher,
        assignment=c,
        withdraw=True,
        plan=PartPlan(lead=unit(SJ), co=(unit(GA),)),
    )
    clock("2026-11-03 09:00")
    actions.dispatch_part(actor=flow.city_dispatcher, part=a.part, plan=PartPlan(sole=unit(SJ)))
    sj = a.part.assignments.get(unit__name=SJ)
    actions.return_assignment(actor=staff(SJ, "handler"), assignment=sj, reason="非本单位")
    actions.decide_return(actor=flow.city_dispatcher, assignment=sj, withdraw=False, note="属实")
    clock("2026-12-02 09:00")


def _by_unit(rows):
    return {row["unit"].name: row for row in rows}


def test_objections_per_unit_match_a_hand_count_N6(objections):
    rows = _by_unit(dashboard.rows(*NOV, Unit.objects.filter(name__in=(CGW, SJ, GA))))
    cgw, sj = rows[CGW], rows[SJ]
    assert (cgw["dispatched"], cgw["returned"]) == (4, 3)
    assert (cgw["objections_accepted"], cgw["objections_rejected"], cgw["reassigned"]) == (2, 1, 2)
    assert (cgw["return_rate"], cgw["reassign_rate"]) == (75.0, 50.0)
    assert (sj["dispatched"], sj["returned"], sj["objections_rejected"], sj["reassigned"]) == (
        2,
        1,
        1,
        0,
    )
    assert (sj["return_rate"], sj["reassign_rate"]) == (50.0, 0.0)
    assert (rows[GA]["returned"], rows[GA]["return_rate"]) == (0, 0.0)


def test_the_bulletin_counts_objections_settled_or_live_N6(objections):
    live = bulletins.numbers(*NOV)
    settle_past_days()
    settled = bulletins.numbers(*NOV)
    assert live == settled
    assert (settled["returned"], settled["objections_accepted"]) == (4, 2)
    assert (settled["objections_rejected"], settled["reassigned"]) == (2, 2)
    assert settled["objection_decision"] == {"total": 4, "on_time": 4, "rate": 100.0}
    assert sorted(
        (r["unit"], r["objections"], r["accepted"], r["rejected"]) for r in settled["objections"]
    ) == sorted([(SJ, 1, 0, 1), (CGW, 3, 2, 1)])


def test_the_bulletin_pdf_page_and_workbook_show_objections_N6(objections):
    sheet, data = bulletins.draft(unit("福州市效能办"), *NOV)
    page = bulletins.html(sheet, data)
    assert "派单异议" in page and "退单率" in page and "改派率" in page
    assert 'data-testid="objection-table"' in page
    book = openpyxl.load_workbook(io.BytesIO(bulletins.xlsx(sheet, data)))
    tab = book["派单异议"]
    rows = {r[0]: r for r in tab.iter_rows(min_row=5, values_only=True)}
    assert rows[CGW][:6] == (CGW, 4, 3, 2, 1, 2)
    assert rows[CGW][6] == pytest.approx(0.75) and rows[CGW][7] == pytest.approx(0.5)
