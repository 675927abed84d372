"""Monthly figures for the public statistics page, drawn as SVG bars on
the server (the page needs no JavaScript and no chart library)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from hotline.cases.models import Category
from hotline.cases.publication import kept_for_the_public
from hotline.supervision.figures import area_totals, unit_totals

MONTHS = 12


@dataclass
class Month:
    month: date
    received: int = 0
    replies: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def on_time_rate(self):
        return round(100 * self.on_time / self.replies) if self.replies else None

    @property
    def satisfaction_rate(self):
        return round(100 * self.satisfied / self.rated) if self.rated else None


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def monthly(today: date | None = None) -> dict:
    """The last twelve months' figures, from the supervisors' daily figures:
    a month here is the month in the bulletin (replies counted by the month
    they were due)."""
    today = today or timezone.localdate()
    rows, categories = [], defaultdict(int)
    for first in _months(today):
        last = min((first + timedelta(days=32)).replace(day=1) - timedelta(days=1), today)
        replies = unit_totals(first, last, measures=("replies", "late_replies"))
        area = area_totals(first, last)
        month = Month(first)
        month.received = sum(area["received"].values())
        month.replies = sum(replies["replies"].values())
        month.on_time = month.replies - sum(replies["late_replies"].values())
        month.rated = sum(area["rated"].values())
        month.satisfied = sum(area["satisfied"].values())
        rows.append(month)
        for (_channel, category, _type), n in area["received"].items():
            if category is not None:
                categories[category] += n
    names = dict(Category.objects.filter(pk__in=categories).values_list("pk", "name"))
    top = sorted(categories.items(), key=lambda item: -item[1])[:10]
    return {
        "rows": rows,
        "received": bars([(m.month.strftime("%Y-%m"), m.received) for m in rows]),
        "on_time": bars([(m.month.strftime("%Y-%m"), m.on_time_rate) for m in rows], top=100),
        "satisfaction": bars(
            [(m.month.strftime("%Y-%m"), m.satisfaction_rate) for m in rows], top=100
        ),
        "categories": bars([(names[pk], n) for pk, n in top]),
    }


# The labels' font size in the chart's own units (portal.css: .chart text).
LABEL_FONT = 9


def label_width(text: str) -> float:
    """About how wide a label is drawn: a CJK character is one em, a Latin
    letter or digit about 0.6 em."""
    return sum(LABEL_FONT if ord(ch) > 0x2E7F else 0.6 * LABEL_FONT for ch in text)


def _month_label(label: str, first: bool) -> tuple[str, str] | None:
    """ "2026-11" as ("11月", year shown under the first bar and January)."""
    try:
        year, month = (int(part) for part in label.split("-"))
    except ValueError:
        return None
    return f"{month}月", f"{year}年" if first or month == 1 else ""


def bars(points, top=None, height=120, width=28, gap=8):
    """Bar geometry for the template's SVG: x, y, height, label, value; each
    bar's short label (a month as 11月, its year under the first bar and
    January), centred under it. Labels too wide for a bar's pitch are
    turned to 45°, so none prints over its neighbour; `empty` when there is
    nothing to draw (the page says so)."""
    top = top or max((v or 0 for _l, v in points), default=0) or 1
    drawn = []
    for i, (label, value) in enumerate(points):
        h = round(height * (value or 0) / top)
        month = _month_label(label, i == 0)
        short, year = month or (label, "")
        drawn.append(
            {
                "x": i * (width + gap),
                "y": height - h,
                "h": h,
                "label": label,
                "value": value,
                "short": short,
                "year": year,
                "centre": i * (width + gap) + width / 2,
            }
        )
    pitch = width + gap
    widest = max((label_width(b["short"]) for b in drawn), default=0)
    turned = widest > pitch - 2
    # Room under the bars for the labels: two lines, or a turned label.
    room = round(widest * 0.71) + LABEL_FONT + 4 if turned else 2 * LABEL_FONT + 10
    return {
        "bars": drawn,
        "width": len(points) * pitch,
        "height": height,
        "bar": width,
        "pitch": pitch,
        "turned": turned,
        "room": room,
        "empty": not any(v for _l, v in points),
    }


def kept_monthly() -> dict:
    """The twelve months' figures as the public statistics and the
    supervisors' trend charts show them: the same for everyone, so kept in
    the cache until a case is published or withdrawn (10 minutes at most)."""
    return kept_for_the_public("statistics", timezone.localdate(), monthly)
