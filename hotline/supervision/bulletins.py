"""Periodic bulletins (R11): the numbers of a period for the city or a
district, rendered as PDF (with the Chinese font the project ships) and as
an Excel workbook, and frozen when published."""

import io
from collections import defaultdict
from datetime import date
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.cases.filters import in_range
from hotline.cases.models import Category
from hotline.organisation.models import Unit, User

from .figures import area_totals, unit_totals
from .models import Bulletin, BulletinEntry
from .periods import bounds, percent
from .rules import supervises

FONT_DIR = Path(settings.BASE_DIR) / "hotline" / "static" / "hotline" / "fonts"


def numbers(start: date, end: date, district=None) -> dict:
    """The bulletin's figures. With `district`, only the cases and units of
    that district count."""
    first, last = bounds(start, end)
    units = Unit.objects.filter(district=district) if district else Unit.objects.all()
    counted = {
        name: sum(per_unit.values()) for name, per_unit in unit_totals(start, end, units).items()
    }
    area = area_totals(start, end, district)
    categories = dict(Category.objects.values_list("pk", "name"))

    def by(index, names=None):
        grouped = defaultdict(int)
        for key, n in area["received"].items():
            grouped[names.get(key[index], "未分类") if names is not None else key[index]] += n
        return dict(grouped)

    def timeliness(total, late):
        n, good = counted[total], counted[total] - counted[late]
        return {"total": n, "on_time": good, "rate": percent(good, n)}

    rated, satisfied = sum(area["rated"].values()), sum(area["satisfied"].values())
    entries = BulletinEntry.objects.filter(
        unit__in=units, occurred_at__gte=first, occurred_at__lt=last
    )
    named = (
        entries.filter(kind=BulletinEntry.Kind.CRITICISM)
        .values(name=F("unit__name"))
        .annotate(n=Count("id"))
        .order_by("-n", "name")
    )
    return {
        "received": sum(area["received"].values()),
        "by_channel": by(0),
        "by_category": by(1, categories),
        "dispatch": timeliness("dispatches", "late_dispatches"),
        "read": timeliness("reads", "late_reads"),
        "reply": timeliness("replies", "late_replies"),
        "review": timeliness("reviews", "late_reviews"),
        "dispatched": counted["dispatched"],
        "returned": counted["returned"],
        "return_rate": percent(counted["returned"], counted["dispatched"]),
        "reviewed": counted["reviewed"],
        "redone": counted["redone"],
        "redo_rate": percent(counted["redone"], counted["reviewed"]),
        "late_reads": counted["late_read_violations"],
        "lapsed": counted["lapsed"],
        "overdue": counted["overdue"],
        "rated": rated,
        "satisfied": satisfied,
        "satisfaction_rate": percent(satisfied, rated),
        "criticised": [{"unit": r["name"], "count": r["n"]} for r in named],
        "commended": list(
            entries.filter(kind=BulletinEntry.Kind.COMMENDATION).values_list("text", flat=True)
        ),
    }


ROWS = [
    ("received", "受理诉求件"),
    ("dispatch.rate", "按时批转率（%）"),
    ("read.rate", "按时查阅率（%）"),
    ("reply.rate", "按时答复率（%）"),
    ("review.rate", "按时审核率（%）"),
    ("return_rate", "退回率（%）"),
    ("redo_rate", "重新办理率（%）"),
    ("late_reads", "查阅超时（件次）"),
    ("lapsed", "过期未处理（件）"),
    ("overdue", "逾期办理（件）"),
    ("satisfaction_rate", "满意率（%）"),
]


def figure(data: dict, path: str):
    value = data
    for part in path.split("."):
        value = value[part]
    return value


def pdf(title: str, data: dict, start: date, end: date) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "supervision/bulletin.html",
        {
            "title": title,
            "data": data,
            "rows": [(label, figure(data, path)) for path, label in ROWS],
            "start": start,
            "end": end,
            "font_dir": FONT_DIR.as_uri(),
        },
    )
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()


def xlsx(title: str, data: dict) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("指标")
    sheet.write(0, 0, title, bold)
    for i, (path, label) in enumerate(ROWS, start=2):
        sheet.write(i, 0, label)
        value = figure(data, path)
        sheet.write(i, 1, "" if value is None else value)
    sheet.set_column(0, 0, 24)
    for name, key in (("按渠道", "by_channel"), ("按类别", "by_category")):
        tab = book.add_worksheet(name)
        for i, (k, v) in enumerate(sorted(data[key].items())):
            tab.write(i, 0, k)
            tab.write(i, 1, v)
    named = book.add_worksheet("通报单位")
    for i, row in enumerate(data["criticised"]):
        named.write(i, 0, row["unit"])
        named.write(i, 1, row["count"])
    book.close()
    return out.getvalue()


def existing(office: Unit, start: date, end: date) -> Bulletin | None:
    """The bulletin already published for `office`'s area and this period."""
    return (
        Bulletin.objects.filter(
            office__kind=Unit.Kind.EFFICIENCY_OFFICE,
            office__level=office.level,
            office__district=office.district_id,
            period_start=start,
            period_end=end,
        )
        .select_related("published_by")
        .first()
    )


def _already(bulletin: Bulletin) -> ValidationError:
    return ValidationError(
        _(
            "The bulletin for this period already exists: %(title)s, "
            "published on %(day)s by %(name)s."
        )
        % {
            "title": bulletin.title,
            "day": timezone.localtime(bulletin.published_at).date().isoformat(),
            "name": bulletin.published_by.name or bulletin.published_by.get_username(),
        },
        code="exists",
    )


@transaction.atomic
def publish(*, actor: User, office: Unit, start: date, end: date) -> Bulletin:
    """Compute, render and archive a bulletin of `office`'s area: only for a
    period that has ended, and once per area and period (R11)."""
    if office.kind != Unit.Kind.EFFICIENCY_OFFICE or not supervises(actor, office):
        raise PermissionDenied
    if not (in_range(start) and in_range(end)) or start > end:
        raise ValidationError(_("Choose a month."), code="period")
    if end >= timezone.localdate():
        raise ValidationError(
            _("A bulletin covers a finished period: %(end)s has not ended yet.")
            % {"end": end.isoformat()},
            code="unfinished",
        )
    # Two supervisors publishing at once: the second waits here, then finds
    # the first one's bulletin. The unit's own row only: its default order
    # joins its (nullable) district, which PostgreSQL cannot lock.
    list(Unit.objects.select_for_update(of=("self",)).filter(pk=office.pk).values_list("pk"))
    earlier = existing(office, start, end)
    if earlier is not None:
        raise _already(earlier)
    district = office.district if office.level == Unit.Level.DISTRICT else None
    area = district.name if district else "福州市"
    title = f"{area}12345便民服务热线工作通报（{start:%Y年%m月%d日}至{end:%Y年%m月%d日}）"
    data = numbers(start, end, district)
    stem = f"{office.pk}-{start:%Y%m%d}-{end:%Y%m%d}"
    bulletin = Bulletin(
        office=office,
        title=title,
        period_start=start,
        period_end=end,
        numbers=data,
        published_by=actor,
        published_at=timezone.now(),
    )
    bulletin.pdf.save(f"{stem}.pdf", ContentFile(pdf(title, data, start, end)), save=False)
    bulletin.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx(title, data)), save=False)
    try:
        with transaction.atomic():
            bulletin.save()
    except IntegrityError:
        bulletin.pdf.delete(save=False)
        bulletin.xlsx.delete(save=False)
        raise _already(existing(office, start, end)) from None
    return bulletin
