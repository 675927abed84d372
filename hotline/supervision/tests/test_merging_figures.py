"""The figures of the issue's scenario (N4): forty requests about one burst
water main, merged into one lead case, count forty in the intake figures
and once in every handling measure."""

from datetime import date

import pytest

from hotline.cases.tests.test_merging_scenario import CGW, burst_main
from hotline.organisation.models import Unit
from hotline.supervision import bulletins

pytestmark = pytest.mark.django_db


def test_intake_counts_every_request_and_handling_the_lead_once_N4(flow, clock):
    burst_main(flow, clock)
    day = date(2026, 11, 26)
    figures = bulletins.numbers(day, day)
    assert figures["received"] == 40
    assert sum(figures["by_channel"].values()) == 40
    row = next(r for r in figures["units"] if r["unit"] == CGW)
    assert row["dispatched"] == 1
    # Clocks count on the day they are due: the bureau's dispatch clock and
    # the unit's read and reply clocks, each once (the lead's); the merged
    # cases' dispatch clocks were cancelled, not met.
    handled = bulletins.unit_totals(day, date(2026, 12, 31), Unit.objects.all())
    for measure in ("dispatches", "reads", "replies", "dispatched"):
        assert sum(handled[measure].values()) == 1, measure
