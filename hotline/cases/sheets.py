"""Reading what a city brings in a spreadsheet: historical cases, knowledge
base articles, a dispatch catalogue. One reader for all three, so that a
header row below a title, blank rows, numbers typed as 3.0 and a file that
is no workbook are met the same way, with the same words."""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import InvalidInput


@dataclass(frozen=True)
class Rejected:
    """A row an import left out, and why, for the report."""

    row: int  # as the file numbers it (the heading is row 1, or below a title)
    reason: str


def cell_text(value) -> str:
    """A cell as text: nothing is "", a whole number read as 3.0 is "3"; the
    stray NULs of old exports, which no text column takes, are dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()


def workbook_rows(source) -> Iterator[tuple]:
    """The first sheet's rows of an .xlsx file."""
    from openpyxl import load_workbook  # a large package: loaded for an import only

    try:
        sheet = load_workbook(source, read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput(
            _("This is not a spreadsheet that can be read (.xlsx)."), field="file"
        ) from None
    yield from sheet.iter_rows(values_only=True)


def csv_rows(source) -> Iterator[list[str]]:
    """The rows of a CSV file in UTF-8 or, as old Chinese systems export it,
    GB18030."""
    data = source.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(_("This file is neither UTF-8 nor GB18030 text."), field="file")
    yield from csv.reader(io.StringIO(text, newline=""))


def named_rows(
    rows: Iterable, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> Iterator[tuple[int, dict]]:
    """Each row under the heading row (the first that is not blank) as
    {column: cell}, numbered as the file numbers it; blank rows skipped.
    `columns`: each column's accepted headings, the first the one named when
    it is missing; `required`: the columns a file must have."""
    rows = iter(rows)
    headings, header_row = [], 0
    for header_row, cells in enumerate(rows, start=1):  # noqa: B007 (read after the loop)
        headings = [cell_text(c) for c in cells]
        if any(headings):
            break
    if not any(headings):
        raise InvalidInput(_("The file is empty."), field="file")
    positions = {}
    for column, names in columns.items():
        for i, heading in enumerate(headings):
            if heading in names or heading.lower() in names:
                positions[column] = i
                break
    missing = [columns[c][0] for c in required if c not in positions]
    if missing:
        raise InvalidInput(
            _("The file has no column %(columns)s.") % {"columns": "、".join(missing)},
            field="file",
        )
    for number, cells in enumerate(rows, start=header_row + 1):
        cells = list(cells)
        if not any(cell_text(c) for c in cells):
            continue
        yield number, {c: cells[i] if i < len(cells) else None for c, i in positions.items()}
