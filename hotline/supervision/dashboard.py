"""The supervisors' dashboard: per-unit numbers for a period, each one the
count of a list the supervisor can open. Both come from the same measure
(hotline.supervision.figures.UNIT), so a number and the list behind it
always agree."""

from datetime import date

from hotline.cases.models import Case, Category
from hotline.cases.request_types import by_id
from hotline.organisation.models import Unit

from .figures import UNIT, area_totals, article_figures, direct_answers_by_agent, unit_totals
from .periods import bounds, percent

# The measures the dashboard shows, with their column headings.
MEASURES = {
    "reads": "应查阅",
    "late_reads": "查阅超时",
    "replies": "应答复",
    "late_replies": "答复超时",
    "lapsed": "过期未处理",
    "overdue": "逾期办理",
    "reviewed": "审核答复",
    "redone": "退回重办",
    "direct_dissatisfied": "直接答复不满意",
    # N6: dispatch objections, and what the bureau decided.
    "dispatched": "承办件数",
    "returned": "退单",
    "objections_accepted": "异议采纳",
    "objections_rejected": "异议驳回",
    "reassigned": "改派",
}
RATES = ("read_rate", "reply_rate", "redo_rate", "return_rate", "reassign_rate")


# The units the dashboard lists: those that handle cases or dispatch them.
LISTED_KINDS = (Unit.Kind.DEPARTMENT, Unit.Kind.PETITION_BUREAU)


def listed_units(district=None):
    """Every unit of the area the dashboard lists, quiet ones too (their
    zeros are shown): a unit with nothing in the period is news as well."""
    units = Unit.objects.filter(kind__in=LISTED_KINDS, is_active=True)
    return units.filter(district=district) if district else units


def rows(start: date, end: date, units) -> list[dict]:
    totals = unit_totals(start, end, units, measures=tuple(MEASURES))
    result = []
    for unit in units.order_by("name"):
        row = {"unit": unit, **{name: totals[name].get(unit.pk, 0) for name in MEASURES}}
        row["read_rate"] = percent(row["reads"] - row["late_reads"], row["reads"])
        row["reply_rate"] = percent(row["replies"] - row["late_replies"], row["replies"])
        row["redo_rate"] = percent(row["redone"], row["reviewed"])
        row["return_rate"] = percent(row["returned"], row["dispatched"])
        row["reassign_rate"] = percent(row["reassigned"], row["dispatched"])
        result.append(row)
    return result


def drill(measure: str, unit, start: date, end: date):
    """The rows behind one number, with their cases."""
    counted = UNIT[measure]
    rows = counted.select(*bounds(start, end)).filter(**{counted.unit_field: unit})
    return rows, Case.objects.filter(pk__in=rows.values(counted.case_field))


def direct_answers(start: date, end: date, district=None) -> dict:
    """N1, N3: the cases received by request type, the direct answers and
    the direct-answer rate (direct answers over cases received), by
    category and by agent, and how the knowledge base was used."""
    area = area_totals(start, end, district)
    received, direct = area["received"], area["direct_answers"]
    types = by_id()
    categories = dict(Category.objects.values_list("pk", "name"))
    by_type = {t.name: 0 for t in types.values()}
    by_category = {}
    for (_channel, category, request_type), n in received.items():
        name = types[request_type].name if request_type in types else "—"
        by_type[name] = by_type.get(name, 0) + n
        row = by_category.setdefault(category, {"received": 0, "direct_answers": 0})
        row["received"] += n
    for (_channel, category, _type), n in direct.items():
        by_category.setdefault(category, {"received": 0, "direct_answers": 0})
        by_category[category]["direct_answers"] += n
    total, answered = sum(received.values()), sum(direct.values())
    return {
        "received": total,
        "direct_answers": answered,
        "rate": percent(answered, total),
        "by_type": by_type,
        "by_category": sorted(
            (
                {
                    "category": categories.get(pk, "—"),
                    **row,
                    "rate": percent(row["direct_answers"], row["received"]),
                }
                for pk, row in by_category.items()
                if row["direct_answers"]
            ),
            key=lambda row: (-row["direct_answers"], row["category"]),
        ),
        # Agents answer for the whole city: a district's office sees none.
        "by_agent": [] if district else direct_answers_by_agent(start, end),
        "articles": article_figures(start, end),
    }
