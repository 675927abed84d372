"""A knowledge base kept in a spreadsheet, imported row by row (N2).

Many cities keep their answers in Excel today. Each row becomes an article
through the import verb: the good rows are imported, each bad one is
reported with its row number and the reason, in the user's language."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.cases.errors import InvalidInput, WorkflowError
from hotline.cases.models import Category
from hotline.cases.sheets import Rejected, cell_text, named_rows, workbook_rows
from hotline.organisation.models import Unit, User

from .actions import ArticleText, default_review_by, import_article
from .models import ArticleVersion

COLUMNS = {
    "标题": "title",
    "问题": "question",
    "答复": "answer",
    "关键词": "keywords",
    "类别": "category",
    "责任单位": "unit",
    "生效日期": "effective_on",
    "复核日期": "review_by",
}
REQUIRED_COLUMNS = ("标题", "问题", "答复")
DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass
class Report:
    imported: list[ArticleVersion] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def _date(value, heading: str) -> date | None:
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    # NFKC: dates typed with a Chinese input method (２０２６－１２－０１).
    found = DATE.fullmatch(unicodedata.normalize("NFKC", cell_text(value)))
    if found:
        try:
            return date(*(int(part) for part in found.groups()))
        except ValueError:
            pass
    raise InvalidInput(
        _("%(heading)s “%(value)s” is not a date (write it as 2026-12-31).")
        % {"heading": heading, "value": cell_text(value)}
    )


def _unit(name: str, default: Unit | None) -> Unit:
    if not name:
        if default is None:
            raise InvalidInput(_("The responsible unit (责任单位) is missing."))
        return default
    found = Unit.objects.filter(Q(name=name) | Q(aliases__contains=name), is_active=True)
    matching = [u for u in found if u.name == name or name in u.alias_list]
    if len(matching) != 1:
        raise InvalidInput(_("No unit is called “%(name)s”.") % {"name": name})
    return matching[0]


def _category(name: str) -> Category | None:
    if not name:
        return None
    category = Category.objects.filter(Q(name=name) | Q(code=name), is_active=True).first()
    if category is None:
        raise InvalidInput(_("No category is called “%(name)s”.") % {"name": name})
    return category


def _rows(source):
    """The named columns of every row under the heading, numbered as in Excel."""
    columns = {name: (heading,) for heading, name in COLUMNS.items()}
    required = tuple(COLUMNS[heading] for heading in REQUIRED_COLUMNS)
    return named_rows(workbook_rows(source), columns, required)


def import_workbook(
    source, *, actor: User, unit: Unit | None = None, publish: bool = False
) -> Report:
    """Every row of the first sheet as an article of the unit it names (or
    `unit`); each row on its own, so one bad row stops no other. An empty
    effective date is today, an empty review-by date the policy's."""
    report = Report()
    today = timezone.localdate()
    for row, cells in _rows(source):
        try:
            effective_on = _date(cells.get("effective_on"), "生效日期") or today
            text = ArticleText(
                title=cell_text(cells.get("title")),
                question=cell_text(cells.get("question")),
                answer=cell_text(cells.get("answer")),
                keywords=cell_text(cells.get("keywords")),
                category=_category(cell_text(cells.get("category"))),
                effective_on=effective_on,
                review_by=_date(cells.get("review_by"), "复核日期")
                or default_review_by(effective_on),
            )
            with transaction.atomic():
                version = import_article(
                    actor=actor,
                    unit=_unit(cell_text(cells.get("unit")), unit),
                    text=text,
                    publish=publish,
                )
        except WorkflowError as error:
            report.rejected.append(Rejected(row, error.message))
        else:
            report.imported.append(version)
    return report
