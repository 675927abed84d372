"""What the efficiency offices count, kept per day.

Each measure is a queryset over a period (clocks due, replies reviewed,
violations occurred...). The bulletins and the dashboard add up the figures
of settled days and count the other days (today, and any day a late write
made stale) live, from the same querysets the drill-down lists use, so a
number and the list behind it always agree. A day is settled by the worker
once it is over and no clock due on it is still running."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.dispatch import receiver
from django.utils import timezone

from hotline.calendar.workdays import SHANGHAI
from hotline.cases.changes import past_days_changed
from hotline.cases.clocks import running_clocks
from hotline.cases.models import Assignment, Case, Event, Reply, ReturnRequest, Violation
from hotline.cases.timeliness import LATE
from hotline.knowledge.models import ArticleVersion
from hotline.knowledge.search import current_versions
from hotline.knowledge.workflow import VersionState

from .models import AreaFigure, SettledDay, UnitFigure
from .periods import bounds, ended_clocks, percent

SATISFIED = ("satisfied", "basically_satisfied")

# A verb times its writes when it starts (`now`) and touches only days
# before today, so a write begun just before midnight and committed just
# after lands on a day that is over without marking it stale. Such a day is
# settled only once every transaction begun on it has had time to commit.
SETTLE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Measure:
    """The rows of `source` over a period that meet `condition`. Measures
    of one source are counted live in one pass (a filtered count each)."""

    source: Callable  # (first, last) -> the queryset of the period's rows
    unit_field: str
    case_field: str
    condition: Q = field(default_factory=Q)

    def select(self, first, last):
        return self.source(first, last).filter(self.condition)


def _violations(first, last):
    return Violation.objects.filter(
        excused_at__isnull=True, occurred_at__gte=first, occurred_at__lt=last
    )


def _reviewed(first, last):
    return Reply.objects.filter(reviewed_at__gte=first, reviewed_at__lt=last)


def _dispatched(first, last):
    return Assignment.objects.filter(dispatched_at__gte=first, dispatched_at__lt=last)


def _rated(first, last):
    """The units that answered a case rated in the period (R12): its sole
    or lead units, each part once."""
    return Assignment.objects.filter(
        role__in=("sole", "lead"), case__rated_at__gte=first, case__rated_at__lt=last
    ).exclude(state="withdrawn")


def _directly_rated(first, last):
    """Direct answers rated in the period (N3): a dissatisfied one counts
    against the unit responsible for the article it cited."""
    return Case.objects.filter(answered_with__isnull=False, rated_at__gte=first, rated_at__lt=last)


def _returned(first, last):
    return ReturnRequest.objects.filter(
        kind=ReturnRequest.Kind.UNIT, requested_at__gte=first, requested_at__lt=last
    )


def _objections_decided(first, last):
    """N6: the bureau's decisions on units' objections in the period."""
    return ReturnRequest.objects.filter(
        kind=ReturnRequest.Kind.UNIT, decided_at__gte=first, decided_at__lt=last
    )


def _reassigned(first, last):
    """N6 (改派): accepted objections of a sole or lead unit whose part went
    next to another unit, counted when that dispatch was made (dispatches
    are timed now, so no settled day moves)."""
    after = Assignment.objects.filter(
        part=OuterRef("part"), dispatched_at__gte=OuterRef("decided_at")
    ).order_by("dispatched_at", "id")
    return (
        ReturnRequest.objects.filter(
            kind=ReturnRequest.Kind.UNIT,
            decision=ReturnRequest.Decision.ACCEPTED,
            assignment__role__in=("sole", "lead"),
            decided_at__lt=last,
        )
        .annotate(
            next_at=Subquery(after.values("dispatched_at")[:1]),
            next_unit=Subquery(after.values("unit")[:1]),
        )
        .filter(next_at__gte=first, next_at__lt=last)
        .exclude(next_unit=F("from_unit"))
    )


# Bump when a measure below, or hotline.cases.timeliness, changes meaning:
# days settled under another version are counted again (ADR 6).
DEFINITIONS = 5  # 5: objections decided and reassigned, the bureau's objection clock (N6)

DISPATCH, READ = Q(kind="dispatch"), Q(kind="read")
OBJECTION = Q(kind="objection_decision")
REPLY, REVIEW = Q(kind__in=("reply", "redo")), Q(kind="review")

UNIT = {
    "dispatches": Measure(ended_clocks, "unit", "case", DISPATCH),
    "late_dispatches": Measure(ended_clocks, "unit", "case", DISPATCH & LATE),
    "reads": Measure(ended_clocks, "unit", "case", READ),
    "late_reads": Measure(ended_clocks, "unit", "case", READ & LATE),
    "replies": Measure(ended_clocks, "unit", "case", REPLY),
    "late_replies": Measure(ended_clocks, "unit", "case", REPLY & LATE),
    "reviews": Measure(ended_clocks, "unit", "case", REVIEW),
    "late_reviews": Measure(ended_clocks, "unit", "case", REVIEW & LATE),
    "dispatched": Measure(_dispatched, "unit", "case"),
    "returned": Measure(_returned, "from_unit", "part__case"),
    "objections_accepted": Measure(
        _objections_decided, "from_unit", "part__case", Q(decision=ReturnRequest.Decision.ACCEPTED)
    ),
    "objections_rejected": Measure(
        _objections_decided, "from_unit", "part__case", Q(decision=ReturnRequest.Decision.REJECTED)
    ),
    "reassigned": Measure(_reassigned, "from_unit", "part__case"),
    "objection_decisions": Measure(ended_clocks, "unit", "case", OBJECTION),
    "late_objection_decisions": Measure(ended_clocks, "unit", "case", OBJECTION & LATE),
    "reviewed": Measure(_reviewed, "assignment__unit", "assignment__case"),
    "redone": Measure(_reviewed, "assignment__unit", "assignment__case", Q(review_decision="redo")),
    "late_read_violations": Measure(_violations, "unit", "case", Q(kind=Violation.Kind.LATE_READ)),
    "lapsed": Measure(_violations, "unit", "case", Q(kind=Violation.Kind.LAPSED)),
    "overdue": Measure(_violations, "unit", "case", Q(kind=Violation.Kind.OVERDUE)),
    "rated": Measure(_rated, "unit", "case"),
    "satisfied": Measure(_rated, "unit", "case", Q(case__satisfaction__in=SATISFIED)),
    "direct_dissatisfied": Measure(
        _directly_rated, "answered_with__article__unit", "pk", Q(satisfaction="dissatisfied")
    ),
}

# N3: a direct answer is a case registered citing an article version.
DIRECT = Q(answered_with__isnull=False)
AREA_MEASURES = ("received", "direct_answers", "rated", "satisfied")


def _live_units(first, last, units=None, measures=tuple(UNIT)) -> dict[str, dict[int, int]]:
    by_source = defaultdict(list)
    for name in measures:
        by_source[UNIT[name].source, UNIT[name].unit_field].append(name)
    counted = {name: {} for name in measures}
    for (source, unit_field), names in by_source.items():
        rows = source(first, last)
        if units is not None:
            rows = rows.filter(**{f"{unit_field}__in": units})
        counts = {name: Count("id", filter=UNIT[name].condition) for name in names}
        for row in rows.values(unit_field).annotate(**counts):
            for name in names:
                if row[name]:
                    counted[name][row[unit_field]] = row[name]
    return counted


# What the area figures are kept by.
AREA_KEYS = ("channel", "category", "request_type")

# What _live_area counts: the city, the city and every district (to settle
# a day), or one District.
CITY, EVERY = "city", "every"


def _live_area(first, last, scope) -> dict[tuple, int]:
    """(district id or None, channel, category id, request type id,
    measure) -> count. A district counts the cases any of its units took
    part in, once each."""
    counted = {}
    through = "involvements__unit__district"
    for time, measures in (
        ("received_at", {"received": Q(), "direct_answers": DIRECT}),
        ("rated_at", {"rated": Q(), "satisfied": Q(satisfaction__in=SATISFIED)}),
    ):
        cases = Case.objects.filter(**{f"{time}__gte": first, f"{time}__lt": last})
        rows = []
        if scope in (CITY, EVERY):
            rows += cases.values(*AREA_KEYS).annotate(
                **{m: Count("id", filter=q) for m, q in measures.items()}
            )
        distinct = {m: Count("id", filter=q, distinct=True) for m, q in measures.items()}
        if scope == EVERY:
            rows += (
                cases.filter(**{f"{through}__isnull": False})
                .values(*AREA_KEYS, district=F(through))
                .annotate(**distinct)
            )
        elif scope != CITY:
            rows += [
                {**row, "district": scope.pk}
                for row in cases.filter(**{through: scope}).values(*AREA_KEYS).annotate(**distinct)
            ]
        for row in rows:
            for m in measures:
                if row[m]:
                    key = (row.get("district"), *(row[k] for k in AREA_KEYS), m)
                    counted[key] = row[m]
    return counted


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _unsettled_runs(start: date, end: date, settled: set[date]) -> list[tuple[date, date]]:
    runs = []
    for day in _days(start, end):
        if day in settled:
            continue
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _settled(start: date, end: date) -> set[date]:
    return set(
        SettledDay.objects.filter(
            day__gte=start, day__lte=end, stale=False, definitions=DEFINITIONS
        ).values_list("day", flat=True)
    )


def unit_totals(
    start: date, end: date, units=None, measures=tuple(UNIT)
) -> dict[str, dict[int, int]]:
    """Each measure's count per unit over [start, end], for `units` (a
    queryset) or all."""
    settled = _settled(start, end)
    totals = {name: defaultdict(int) for name in measures}
    kept = UnitFigure.objects.filter(
        day__gte=start, day__lte=end, day__in=settled, measure__in=measures
    )
    if units is not None:
        kept = kept.filter(unit__in=units)
    for row in kept.values("measure", "unit").annotate(n=Sum("count")):
        totals[row["measure"]][row["unit"]] += row["n"]
    for first, last in _unsettled_runs(start, end, settled):
        for name, counted in _live_units(*bounds(first, last), units, measures).items():
            for unit, n in counted.items():
                totals[name][unit] += n
    return totals


def area_totals(start: date, end: date, district=None) -> dict[str, dict[tuple, int]]:
    """received, direct_answers, rated and satisfied over [start, end], each
    keyed (channel, category id, request type id), for the city or one
    district."""
    settled = _settled(start, end)
    totals = {m: defaultdict(int) for m in AREA_MEASURES}
    kept = (
        AreaFigure.objects.filter(day__gte=start, day__lte=end, day__in=settled, district=district)
        .values("measure", *AREA_KEYS)
        .annotate(n=Sum("count"))
    )
    for row in kept:
        totals[row["measure"]][tuple(row[k] for k in AREA_KEYS)] += row["n"]
    for first, last in _unsettled_runs(start, end, settled):
        for (_d, *key, m), n in _live_area(*bounds(first, last), district or CITY).items():
            totals[m][tuple(key)] += n
    return totals


def settle(day: date) -> bool:
    """Count `day` and keep its figures. Refused (False) for today and later
    (and the first SETTLE_AFTER of the next day), and while a clock due that
    day still runs: the worker breaches it first."""
    first, last = bounds(day, day)
    if timezone.now() < last + SETTLE_AFTER:
        return False
    SettledDay.objects.get_or_create(day=day)
    with transaction.atomic():
        # Held until the figures are written: a write that makes the day
        # stale meanwhile waits, and marks it stale after.
        mark = SettledDay.objects.select_for_update().get(day=day)
        if running_clocks().filter(due_at__gte=first, due_at__lt=last).exists():
            return False
        UnitFigure.objects.filter(day=day).delete()
        AreaFigure.objects.filter(day=day).delete()
        UnitFigure.objects.bulk_create(
            UnitFigure(day=day, unit_id=unit, measure=name, count=n)
            for name, counted in _live_units(first, last).items()
            for unit, n in counted.items()
        )
        AreaFigure.objects.bulk_create(
            AreaFigure(
                day=day,
                district_id=d,
                channel=channel,
                category_id=category,
                request_type_id=request_type,
                measure=m,
                count=n,
            )
            for (d, channel, category, request_type, m), n in _live_area(first, last, EVERY).items()
        )
        mark.stale, mark.settled_at, mark.definitions = False, timezone.now(), DEFINITIONS
        mark.save(update_fields=["stale", "settled_at", "definitions"])
    return True


def settle_past_days() -> int:
    """Settle every day up to yesterday that is missing or stale. The first
    run on an existing database counts back to its first case."""
    first = Case.objects.aggregate(first=Min("received_at"))["first"]
    if first is None:
        return 0
    yesterday = timezone.localdate(timezone=SHANGHAI) - timedelta(days=1)
    start = timezone.localtime(first, SHANGHAI).date()
    settled = _settled(start, yesterday)
    return sum(settle(day) for day in _days(start, yesterday) if day not in settled)


@receiver(past_days_changed)
def unsettle(sender, days, **kwargs):
    # In date order, so two writers marking the same days lock them in the
    # same order (PostgreSQL) and cannot deadlock on them.
    SettledDay.objects.bulk_create(
        [SettledDay(day=day, stale=True) for day in sorted(days)],
        update_conflicts=True,
        update_fields=["stale"],
        unique_fields=["day"],
    )


# Direct answers and the knowledge base (N1, N3) ------------------------------


def _received(first, last):
    return Case.objects.filter(received_at__gte=first, received_at__lt=last)


def _cited(first, last):
    """The articles cited by direct answers received in the period."""
    return _received(first, last).filter(DIRECT).values("answered_with__article")


def direct_answers_by_agent(start: date, end: date) -> list[dict]:
    """N3: each agent's cases and direct answers over [start, end], most
    direct answers first. Counted live: one grouped count over the
    period's cases, by the agent who registered them."""
    rows = (
        _received(*bounds(start, end))
        .filter(registered_by__isnull=False)
        .values("registered_by", name=F("registered_by__name"))
        .annotate(received=Count("id"), direct_answers=Count("id", filter=DIRECT))
        .order_by("-direct_answers", "name")
    )
    return [{**row, "rate": percent(row["direct_answers"], row["received"])} for row in rows]


def article_figures(start: date, end: date) -> dict[str, int]:
    """N2, N3: the articles cited by the period's direct answers (used), the
    published articles current at its end that none of them cited (unused),
    and the published ones past their review-by date at its end."""
    cited = _cited(*bounds(start, end))
    published = ArticleVersion.objects.filter(state=VersionState.PUBLISHED)
    return {
        "used": cited.distinct().count(),
        "unused": current_versions(end).exclude(article__in=cited).count(),
        "past_review": published.filter(review_by__lt=end).count(),
    }


# Dispatch against the catalogue (N5) -----------------------------------------

DISPATCH_EVENTS = ("dispatch", "pass_to_district")
AGAINST = Q(details__has_key="against_catalogue")


def _dispatch_events(start: date, end: date, district=None):
    first, last = bounds(start, end)
    events = Event.objects.filter(action__in=DISPATCH_EVENTS, at__gte=first, at__lt=last)
    return events.filter(actor_unit__district=district) if district else events


def dispatched_against_catalogue(start: date, end: date, district=None, dispatcher=None):
    """N5: the dispatch events behind against_catalogue's numbers."""
    events = _dispatch_events(start, end, district).filter(AGAINST)
    return events.filter(actor=dispatcher) if dispatcher else events


def against_catalogue(start: date, end: date, district=None) -> dict[str, list[dict]]:
    """N5: the parts dispatched over [start, end] and those sent against the
    dispatch catalogue (with a reason), by dispatcher and by month, most
    against first. Counted live from the dispatch events: one grouped count
    each. A district's office counts its own bureau's dispatches."""
    events = _dispatch_events(start, end, district)
    counts = {"dispatched": Count("id"), "against": Count("id", filter=AGAINST)}
    by_dispatcher = (
        events.filter(actor__isnull=False)
        .values("actor", name=F("actor__name"), bureau=F("actor_unit__name"))
        .annotate(**counts)
        .order_by("-against", "name")
    )
    by_month = (
        events.annotate(month=TruncMonth("at", tzinfo=SHANGHAI))
        .values("month")
        .annotate(**counts)
        .order_by("month")
    )
    return {
        "by_dispatcher": [
            {**row, "rate": percent(row["against"], row["dispatched"])} for row in by_dispatcher
        ],
        "by_month": [
            {**row, "rate": percent(row["against"], row["dispatched"])} for row in by_month
        ],
    }
