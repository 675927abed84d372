"""The figures and the early warning of the issue's scenario (N4, N10):
forty requests about one burst water main raise one warning within a
minute of the tenth, are merged into one lead case, and count forty in the
intake figures and once in every handling measure."""

from datetime import date, timedelta

import pytest

from hotline.cases.tests.test_merging_scenario import CGW, burst_main
from hotline.organisation.models import Unit
from hotline.supervision import bulletins
from hotline.supervision.early_warnings import raise_early_warnings
from hotline.supervision.models import EarlyWarning

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


def test_the_burst_main_raises_one_warning_within_a_minute_of_the_tenth_call_N10_N4(flow, clock):
    """The every-minute job finds no cluster after nine requests, raises one
    a minute after the tenth (the policy's threshold), and grows that one
    warning, never a second, to all forty; the merge and the handling go
    on as before."""
    warnings_after = {}

    def job_runs(n):
        raise_early_warnings()
        warnings_after[n] = list(
            EarlyWarning.objects.filter(kind=EarlyWarning.Kind.CLUSTER).values_list("pk", flat=True)
        )

    cases = burst_main(flow, clock, a_minute_later=job_runs)
    assert warnings_after[9] == []
    (warning_id,) = warnings_after[10]
    assert all(warnings_after[n] == [warning_id] for n in range(10, 41))
    warning = EarlyWarning.objects.get(pk=warning_id)
    assert warning.raised_at - cases[9].received_at <= timedelta(minutes=1)
    assert set(warning.cases.values_list("pk", flat=True)) == {c.pk for c in cases}
