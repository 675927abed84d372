"""The supervisors' dashboard: per-unit numbers for a period, each one the
count of a list the supervisor can open. Both come from the same queryset
(MEASURES), so a number and the list behind it always agree."""

from datetime import date

from django.db.models import Count, F

from hotline.cases.models import Case, Reply, Violation

from .periods import bounds, ended_clocks, percent


def _clocks(kinds, late):
    def select(first, last):
        clocks = ended_clocks(first, last).filter(kind__in=kinds)
        if late:
            clocks = clocks.exclude(met_at__lte=F("due_at"))
        return clocks

    return select


def _violations(kind):
    def select(first, last):
        return Violation.objects.filter(
            kind=kind, excused_at__isnull=True, occurred_at__gte=first, occurred_at__lt=last
        )

    return select


def _reviews(redo):
    def select(first, last):
        replies = Reply.objects.filter(reviewed_at__gte=first, reviewed_at__lt=last)
        return replies.filter(review_decision="redo") if redo else replies

    return select


# name: (label, rows as a queryset, the unit field, the case field)
MEASURES = {
    "reads": ("应查阅", _clocks(["read"], late=False), "unit", "case"),
    "late_reads": ("查阅超时", _clocks(["read"], late=True), "unit", "case"),
    "replies": ("应答复", _clocks(["reply", "redo"], late=False), "unit", "case"),
    "late_replies": ("答复超时", _clocks(["reply", "redo"], late=True), "unit", "case"),
    "lapsed": ("过期未处理", _violations(Violation.Kind.LAPSED), "unit", "case"),
    "overdue": ("逾期办理", _violations(Violation.Kind.OVERDUE), "unit", "case"),
    "reviewed": ("审核答复", _reviews(redo=False), "assignment__unit", "assignment__case"),
    "redone": ("退回重办", _reviews(redo=True), "assignment__unit", "assignment__case"),
}


def rows(start: date, end: date, units) -> list[dict]:
    first, last = bounds(start, end)
    table = {u.pk: {"unit": u, **dict.fromkeys(MEASURES, 0)} for u in units}
    for name, (_label, select, unit_field, _case) in MEASURES.items():
        counted = (
            select(first, last)
            .filter(**{f"{unit_field}__in": list(table)})
            .values(unit_field)
            .annotate(n=Count("id"))
        )
        for row in counted:
            table[row[unit_field]][name] = row["n"]
    result = []
    for row in table.values():
        row["read_rate"] = percent(row["reads"] - row["late_reads"], row["reads"])
        row["reply_rate"] = percent(row["replies"] - row["late_replies"], row["replies"])
        row["redo_rate"] = percent(row["redone"], row["reviewed"])
        if any(row[name] for name in MEASURES):
            result.append(row)
    return result


def drill(measure: str, unit, start: date, end: date):
    """The rows behind one number, with their cases."""
    _label, select, unit_field, case_field = MEASURES[measure]
    first, last = bounds(start, end)
    rows = select(first, last).filter(**{unit_field: unit})
    return rows, Case.objects.filter(pk__in=rows.values(case_field))
