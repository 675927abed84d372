"""Periodic bulletins (R11): the numbers of a period for the city or a
district, rendered as PDF (with the Chinese font the project ships) and as
an Excel workbook, and frozen when published."""

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.cases.filters import in_range
from hotline.cases.models import Category, Channel
from hotline.cases.request_types import REQUEST_TYPES
from hotline.organisation.models import Unit, User
from hotline.policy.models import Policy

from .figures import (
    UNIT,
    area_totals,
    article_figures,
    direct_answers_by_agent,
    unit_totals,
)
from .models import Bulletin, BulletinEntry, DocumentSeries
from .periods import bounds, percent
from .rules import SCORED, rank_weights, supervises, unit_score

FONT_DIR = Path(settings.BASE_DIR) / "hotline" / "static" / "hotline" / "fonts"

# The units a bulletin ranks: the handling units (承办单位) of its area.
RANKED_KINDS = (Unit.Kind.DEPARTMENT,)

# What a unit is criticised for (R11(1), R11(2)), by figures.UNIT measure.
CRITICISED_FOR = {"late_reads": "查阅超时", "lapsed": "过期未处理", "overdue": "逾期办理"}


def area_district(office: Unit):
    """The district whose bulletins `office` issues, or None for the city."""
    return office.district if office.level == Unit.Level.DISTRICT else None


def area_key(office: Unit) -> str:
    district = area_district(office)
    return f"district-{district.pk}" if district else "city"


def cn_date(day: date) -> str:
    """A date as an official document writes it (GB/T 9704): 2026年12月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_words(start: date, end: date) -> str:
    """2026年11月 for a whole month, else 2026年11月1日至11月15日."""
    same_month = (start.year, start.month) == (end.year, end.month)
    if same_month and start.day == 1 and (end + timedelta(days=1)).day == 1:
        return f"{start.year}年{start.month}月"
    if start.year == end.year:
        return f"{cn_date(start)}至{end.month}月{end.day}日"
    return f"{cn_date(start)}至{cn_date(end)}"


def title_lines(district, start: date, end: date) -> list[str]:
    """The title in the lines it is set in, so it never wraps mid-phrase."""
    scope = {None: "全市", "district": "全区", "county": "全县", "county_city": "全市"}[
        district.kind if district else None
    ]
    return [f"关于{period_words(start, end)}{scope}12345便民服务热线", "工作情况的通报"]


def _channel_words(code: str) -> str:
    try:
        return str(Channel(code).label)
    except ValueError:
        return code


def _criticised(first, last, units) -> list[dict]:
    """R11(1), R11(2), R11(3): the units named for criticism, with their
    cases, from the same measures as the figures (an excused violation is
    not named), and the units an issued warning at the top of the ladder
    named."""
    named = defaultdict(list)
    for measure, what in CRITICISED_FOR.items():
        counted = UNIT[measure]
        rows = counted.select(first, last).filter(**{f"{counted.unit_field}__in": units})
        for name, number in rows.values_list(
            f"{counted.unit_field}__name", f"{counted.case_field}__number"
        ).order_by(f"{counted.case_field}__number"):
            named[name].append({"number": number, "what": what})
    escalated = BulletinEntry.objects.filter(
        kind=BulletinEntry.Kind.CRITICISM,
        warning__isnull=False,
        unit__in=units,
        occurred_at__gte=first,
        occurred_at__lt=last,
    ).values_list("unit__name", flat=True)
    for name in escalated:
        named[name].append({"number": "", "what": "效能告诫累计"})
    return sorted(
        ({"unit": name, "count": len(cases), "cases": cases} for name, cases in named.items()),
        key=lambda row: (-row["count"], row["unit"]),
    )


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def numbers(start: date, end: date, district=None) -> dict:
    """The bulletin's figures, as they are frozen. With `district`, only the
    cases and units of that district count."""
    first, last = bounds(start, end)
    units = Unit.objects.filter(district=district) if district else Unit.objects.all()
    totals = unit_totals(start, end, units)
    counted = {name: sum(per_unit.values()) for name, per_unit in totals.items()}
    area = area_totals(start, end, district)
    categories = dict(Category.objects.values_list("pk", "name"))
    weights = rank_weights(Policy.in_force(last - timedelta(seconds=1)))
    unit_names = dict(units.values_list("pk", "name"))

    request_types = {t.pk: t.name for t in REQUEST_TYPES.get().values()}

    def by(words, measure="received"):
        grouped = defaultdict(int)
        for key, n in area[measure].items():
            grouped[words(key)] += n
        return dict(sorted(grouped.items(), key=lambda item: (-item[1], item[0])))

    def category_words(key):
        return categories.get(key[1], "未分类")

    received = sum(area["received"].values())
    direct = sum(area["direct_answers"].values())
    direct_by_category = by(category_words, "direct_answers")
    received_by_category = by(category_words)
    by_type = by(lambda key: request_types.get(key[2], "未分类"))

    def timeliness(total, late):
        n, good = counted[total], counted[total] - counted[late]
        return {"total": n, "on_time": good, "rate": percent(good, n)}

    table = []
    for unit in units.filter(kind__in=RANKED_KINDS, is_active=True).order_by("name"):
        n = {m: totals[m].get(unit.pk, 0) for m in UNIT}
        rates, score = unit_score({m: n[m] for m in SCORED}, weights)
        active = any(n[m] for m in ("dispatched", "reads", "replies", "reviewed", "rated"))
        table.append(
            {
                "unit": unit.name,
                "dispatched": n["dispatched"],
                "read_rate": _pct(rates["read"]),
                "reply_rate": _pct(rates["reply"]),
                "review_rate": _pct(rates["quality"]),
                "returned": n["returned"],
                "redone": n["redone"],
                "late_reads": n["late_reads"],
                "lapsed": n["lapsed"],
                "overdue": n["overdue"],
                "satisfaction_rate": _pct(rates["satisfaction"]),
                "score": score if active else None,
            }
        )
    # N6: each unit's dispatch objections and the bureau's decisions on them.
    objections = [
        {
            "unit": unit_names[pk],
            "dispatched": totals["dispatched"].get(pk, 0),
            "objections": totals["returned"].get(pk, 0),
            "accepted": totals["objections_accepted"].get(pk, 0),
            "rejected": totals["objections_rejected"].get(pk, 0),
            "reassigned": totals["reassigned"].get(pk, 0),
            "return_rate": percent(totals["returned"].get(pk, 0), totals["dispatched"].get(pk, 0)),
            "reassign_rate": percent(
                totals["reassigned"].get(pk, 0), totals["dispatched"].get(pk, 0)
            ),
        }
        for pk in sorted(
            set().union(
                *(totals[m] for m in ("returned", "objections_accepted", "objections_rejected"))
            )
            & set(unit_names),
            key=lambda pk: unit_names[pk],
        )
    ]
    # Units with nothing to score are listed after the scored ones.
    table.sort(key=lambda row: (row["score"] is None, -(row["score"] or 0), row["unit"]))
    for rank, row in enumerate(table, start=1):
        row["rank"] = rank if row["score"] is not None else None

    rated, satisfied = sum(area["rated"].values()), sum(area["satisfied"].values())
    commended = BulletinEntry.objects.filter(
        kind=BulletinEntry.Kind.COMMENDATION,
        unit__in=units,
        occurred_at__gte=first,
        occurred_at__lt=last,
    ).values_list("unit__name", "text")
    return {
        "received": received,
        "by_channel": by(lambda key: _channel_words(key[0])),
        "by_category": received_by_category,
        # N1: every type, in the list's order, zeros too.
        "by_request_type": {name: by_type.get(name, 0) for name in request_types.values()},
        # N3: direct answers over the cases received in the period.
        "direct_answers": direct,
        "direct_answer_rate": percent(direct, received),
        "direct_by_category": [
            {
                "category": name,
                "received": received_by_category[name],
                "direct_answers": n,
                "rate": percent(n, received_by_category[name]),
            }
            for name, n in direct_by_category.items()
        ],
        "direct_by_agent": [
            {k: row[k] for k in ("name", "received", "direct_answers", "rate")}
            for row in (direct_answers_by_agent(start, end) if district is None else [])
            if row["direct_answers"]
        ],
        "articles": article_figures(start, end),
        "direct_dissatisfied": sorted(
            (
                {"unit": unit_names[pk], "count": n}
                for pk, n in totals["direct_dissatisfied"].items()
                if pk in unit_names
            ),
            key=lambda row: (-row["count"], row["unit"]),
        ),
        "dispatch": timeliness("dispatches", "late_dispatches"),
        "read": timeliness("reads", "late_reads"),
        "reply": timeliness("replies", "late_replies"),
        "review": timeliness("reviews", "late_reviews"),
        "dispatched": counted["dispatched"],
        "returned": counted["returned"],
        "return_rate": percent(counted["returned"], counted["dispatched"]),
        "objections_accepted": counted["objections_accepted"],
        "objections_rejected": counted["objections_rejected"],
        "reassigned": counted["reassigned"],
        "reassign_rate": percent(counted["reassigned"], counted["dispatched"]),
        "objection_decision": timeliness("objection_decisions", "late_objection_decisions"),
        "objections": objections,
        "reviewed": counted["reviewed"],
        "redone": counted["redone"],
        "redo_rate": percent(counted["redone"], counted["reviewed"]),
        "late_reads": counted["late_reads"],
        "lapsed": counted["lapsed"],
        "overdue": counted["overdue"],
        "rated": rated,
        "satisfied": satisfied,
        "satisfaction_rate": percent(satisfied, rated),
        "weights": weights,
        "units": table,
        "criticised": _criticised(first, last, units),
        "commended": [{"unit": name, "reason": text} for name, text in commended],
    }


ROWS = [
    ("received", "受理诉求件（件）"),
    ("direct_answers", "直接答复（件）"),
    ("direct_answer_rate", "直接答复率（%）"),
    ("dispatch.rate", "按时批转率（%）"),
    ("read.rate", "按时查阅率（%）"),
    ("reply.rate", "按时答复率（%）"),
    ("review.rate", "按时审核率（%）"),
    ("return_rate", "退回率（%）"),
    ("objections_accepted", "派单异议采纳（件）"),
    ("objections_rejected", "派单异议驳回（件）"),
    ("reassign_rate", "改派率（%）"),
    ("objection_decision.rate", "异议按时审核率（%）"),
    ("redo_rate", "重新办理率（%）"),
    ("late_reads", "查阅超时（件次）"),
    ("lapsed", "过期未处理（件）"),
    ("overdue", "逾期办理（件）"),
    ("satisfaction_rate", "满意率（%）"),
]

# The per-unit table: key, heading, and whether it is a percentage.
COLUMNS = [
    ("rank", "排名", False),
    ("unit", "单位", False),
    ("dispatched", "承办件数", False),
    ("read_rate", "按时查阅率", True),
    ("reply_rate", "按时答复率", True),
    ("review_rate", "审核通过率", True),
    ("returned", "退回", False),
    ("redone", "重办", False),
    ("late_reads", "查阅超时", False),
    ("lapsed", "过期未处理", False),
    ("overdue", "逾期办理", False),
    ("satisfaction_rate", "满意率", True),
    ("score", "综合得分", False),
]


# N6: the objections table, per unit with any objection in the period.
OBJECTION_KEYS = (
    "unit",
    "dispatched",
    "objections",
    "accepted",
    "rejected",
    "reassigned",
    "return_rate",
    "reassign_rate",
)
OBJECTION_HEADINGS = ["单位", "承办件数", "派单异议", "采纳", "驳回", "改派", "退单率", "改派率"]


def figure(data: dict, path: str):
    """A figure of the numbers; None (shown "—") in a bulletin frozen
    before the figure was counted."""
    value = data
    for part in path.split("."):
        if part not in value:
            return None
        value = value[part]
    return value


@dataclass
class Sheet:
    """What a bulletin shows besides its numbers: who issues it, its number
    (None in a draft), title and date."""

    office: str
    number: str | None
    title_lines: list[str]
    start: date
    end: date
    issued_on: date
    prefix: str
    year: int

    @property
    def title(self) -> str:
        return "".join(self.title_lines)


def context(sheet: Sheet, data: dict) -> dict:
    return {
        "sheet": sheet,
        "data": data,
        "period": period_words(sheet.start, sheet.end),
        "issued_on": cn_date(sheet.issued_on),
        "rows": [(label, figure(data, path)) for path, label in ROWS],
        "columns": COLUMNS,
        "table": [[(row[key], pct) for key, _h, pct in COLUMNS] for row in data["units"]],
        "objection_headings": OBJECTION_HEADINGS,
        "objections": [[row.get(k) for k in OBJECTION_KEYS] for row in data.get("objections", [])],
    }


def html(sheet: Sheet, data: dict) -> str:
    return render_to_string(
        "supervision/bulletin.html", {**context(sheet, data), "font_dir": FONT_DIR.as_uri()}
    )


def pdf(sheet: Sheet, data: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=html(sheet, data), base_url=str(FONT_DIR)).write_pdf()


def xlsx(sheet: Sheet, data: dict) -> bytes:
    """The same tables as the PDF, each sheet with its title, header row,
    widths, frozen panes, percentages as percentages and A4 print setup."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    note = book.add_format({"align": "center", "font_color": "#555555"})
    head = book.add_format(
        {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#F2F2F2"}
    )
    head.set_text_wrap()
    cell = book.add_format({"border": 1})
    count = book.add_format({"border": 1, "num_format": "0"})
    share = book.add_format({"border": 1, "num_format": "0.0%"})
    score = book.add_format({"border": 1, "num_format": "0.00"})
    period = period_words(sheet.start, sheet.end)
    subtitle = f"{sheet.number or '（草稿）'}　{period}　{sheet.office}"

    def table(name, headings, rows, widths, formats, freeze_cols=1):
        tab = book.add_worksheet(name)
        last_col = len(headings) - 1
        tab.merge_range(0, 0, 0, last_col, sheet.title, title)
        tab.merge_range(1, 0, 1, last_col, subtitle, note)
        for col, (heading, width) in enumerate(zip(headings, widths, strict=True)):
            tab.write(3, col, heading, head)
            tab.set_column(col, col, width)
        for r, row in enumerate(rows, start=4):
            for col, (value, fmt) in enumerate(zip(row, formats, strict=True)):
                if isinstance(value, tuple):  # a cell with its own format
                    value, fmt = value
                if value is None:
                    tab.write(r, col, "—", cell)
                elif fmt is share:
                    tab.write_number(r, col, value / 100, share)
                else:
                    tab.write(r, col, value, fmt)
        if not rows:
            tab.merge_range(4, 0, 4, last_col, "本期无", cell)
        last_row = max(4, 3 + len(rows))
        tab.freeze_panes(4, freeze_cols)
        tab.set_paper(9)  # A4
        tab.set_landscape() if len(headings) > 6 else tab.set_portrait()
        tab.fit_to_pages(1, 0)
        tab.repeat_rows(3)
        tab.print_area(0, 0, last_row, last_col)
        tab.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
        tab.set_footer("&C第 &P 页，共 &N 页")
        return tab

    formats = {False: count, True: share}
    table(
        "单位排名",
        [h for _k, h, _p in COLUMNS],
        [[row[k] for k, _h, _p in COLUMNS] for row in data["units"]],
        [6, 30, 10, 11, 11, 11, 7, 7, 9, 10, 9, 9, 10],
        [count, cell, *(formats[p] for _k, _h, p in COLUMNS[2:-1]), score],
        freeze_cols=2,
    )
    table(
        "主要指标",
        ["指标", "数值"],
        [
            [label, (figure(data, path), share if "（%）" in label else count)]
            for path, label in ROWS
        ],
        [28, 14],
        [cell, score],
    )
    received = data["received"] or 0
    for name, key in (("受理渠道", "by_channel"), ("诉求类别", "by_category")):
        table(
            name,
            ["类别" if key == "by_category" else "渠道", "件数", "占比"],
            [[k, v, percent(v, received)] for k, v in data[key].items()],
            [24, 10, 10],
            [cell, count, share],
        )
    table(
        "诉求类型",
        ["类型", "件数", "占比"],
        [[k, v, percent(v, received)] for k, v in data.get("by_request_type", {}).items()],
        [24, 10, 10],
        [cell, count, share],
    )
    table(
        "直接答复",
        ["类别", "受理件数", "直接答复", "直接答复率"],
        [
            [row["category"], row["received"], row["direct_answers"], row["rate"]]
            for row in data.get("direct_by_category", [])
        ],
        [24, 10, 10, 12],
        [cell, count, count, share],
    )
    table(
        "直接答复（话务员）",
        ["话务员", "受理件数", "直接答复", "直接答复率"],
        [
            [row["name"], row["received"], row["direct_answers"], row["rate"]]
            for row in data.get("direct_by_agent", [])
        ],
        [24, 10, 10, 12],
        [cell, count, count, share],
    )
    articles = data.get("articles", {})
    table(
        "知识库",
        ["指标", "数值"],
        [
            [label, articles.get(key)]
            for key, label in (
                ("used", "本期引用的知识条目（条）"),
                ("unused", "未被引用的现行条目（条）"),
                ("past_review", "超过复核期限的条目（条）"),
            )
        ]
        + [
            [f"{row['unit']}直接答复不满意（件）", row["count"]]
            for row in data.get("direct_dissatisfied", [])
        ],
        [36, 10],
        [cell, count],
    )
    table(
        "派单异议",
        OBJECTION_HEADINGS,
        [[row.get(k) for k in OBJECTION_KEYS] for row in data.get("objections", [])],
        [30, 10, 10, 10, 10, 8, 10, 10],
        [cell, count, count, count, count, count, share, share],
    )
    table(
        "通报批评",
        ["单位", "件次", "诉求件编号", "事由"],
        [
            [row["unit"], row["count"], case["number"] or "—", case["what"]]
            for row in data["criticised"]
            for case in row["cases"]
        ],
        [30, 8, 22, 16],
        [cell, count, cell, cell],
    )
    table(
        "表扬",
        ["单位", "事由"],
        [[row["unit"], row["reason"]] for row in data["commended"]],
        [30, 60],
        [cell, cell],
    )
    book.close()
    return out.getvalue()


def sheet_for(office: Unit, start: date, end: date, number: str | None, on: date) -> Sheet:
    district = area_district(office)
    return Sheet(
        office=office.name,
        number=number,
        title_lines=title_lines(district, start, end),
        start=start,
        end=end,
        issued_on=on,
        prefix=_prefix(office),
        year=on.year,
    )


def _prefix(office: Unit) -> str:
    """The default code of an office's document numbers: 榕 for Fuzhou,
    the district's first character for a district's office."""
    district = area_district(office)
    return f"{district.name[0] if district else '榕'}12345通"


def draft(office: Unit, start: date, end: date) -> tuple[Sheet, dict]:
    """A preview from the live figures: not numbered, not kept; regenerated
    each time it is asked for."""
    return sheet_for(office, start, end, None, timezone.localdate()), numbers(
        start, end, area_district(office)
    )


def existing(office: Unit, start: date, end: date) -> Bulletin | None:
    """The bulletin already published for `office`'s area and this period."""
    return (
        Bulletin.objects.filter(area=area_key(office), period_start=start, period_end=end)
        .select_related("published_by")
        .first()
    )


def _already(bulletin: Bulletin) -> ValidationError:
    return ValidationError(
        _(
            "The bulletin for this period has been published: %(number)s %(title)s, "
            "on %(day)s by %(name)s. A published bulletin stays as it was issued."
        )
        % {
            "number": bulletin.number,
            "title": bulletin.title,
            "day": cn_date(timezone.localtime(bulletin.published_at).date()),
            "name": bulletin.published_by.name or bulletin.published_by.get_username(),
        },
        code="exists",
    )


def _take_number(office: Unit, year: int) -> str:
    """The next number of the office's series for `year`, in the caller's
    transaction: a rolled-back publication gives its number back, a
    committed one keeps it for good."""
    DocumentSeries.objects.get_or_create(
        office=office, year=year, defaults={"prefix": _prefix(office)}
    )
    series = DocumentSeries.objects.select_for_update().get(office=office, year=year)
    series.last += 1
    series.save(update_fields=["last"])
    return f"{series.prefix}〔{year}〕{series.last}号"


def check_period(start: date | None, end: date | None) -> None:
    if start is None or end is None or not (in_range(start) and in_range(end)) or start > end:
        raise ValidationError(_("Choose a month."), code="period")


@transaction.atomic
def publish(*, actor: User, office: Unit, start: date, end: date) -> Bulletin:
    """Compute, render and archive a bulletin of `office`'s area: only for a
    period that has ended, and once per area and period (R11). Its document
    number is taken here, with the freeze, never at a preview."""
    if office.kind != Unit.Kind.EFFICIENCY_OFFICE or not supervises(actor, office):
        raise PermissionDenied
    check_period(start, end)
    if end >= timezone.localdate():
        raise ValidationError(
            _("A bulletin covers a finished period: %(end)s has not ended yet.")
            % {"end": cn_date(end)},
            code="unfinished",
        )
    # Two supervisors publishing at once: the second waits here, then finds
    # the first one's bulletin. The unit's own row only: its default order
    # joins its (nullable) district, which PostgreSQL cannot lock.
    list(Unit.objects.select_for_update(of=("self",)).filter(pk=office.pk).values_list("pk"))
    earlier = existing(office, start, end)
    if earlier is not None:
        raise _already(earlier)
    now = timezone.now()
    today = timezone.localdate(now)
    number = _take_number(office, today.year)
    sheet = sheet_for(office, start, end, number, today)
    data = numbers(start, end, area_district(office))
    stem = f"{office.pk}-{start:%Y%m%d}-{end:%Y%m%d}"
    bulletin = Bulletin(
        office=office,
        area=area_key(office),
        number=number,
        title=sheet.title,
        period_start=start,
        period_end=end,
        numbers=data,
        published_by=actor,
        published_at=now,
    )
    bulletin.pdf.save(f"{stem}.pdf", ContentFile(pdf(sheet, data)), save=False)
    bulletin.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx(sheet, data)), save=False)
    try:
        with transaction.atomic():
            bulletin.save()
    except IntegrityError:
        bulletin.pdf.delete(save=False)
        bulletin.xlsx.delete(save=False)
        raise _already(existing(office, start, end)) from None
    return bulletin
