"""Case numbers: the prefix, the local day and the day's sequence number
(FZ2026112600001).

On PostgreSQL the sequence number is taken on a connection of its own, in
autocommit: the day's counter row is locked for that one statement, not
until the registration commits, so intakes do not queue behind each other
(ADR 11). A registration that fails afterwards leaves its number unused:
numbers may have gaps, never repeats. SQLite writes one transaction at a
time anyway, so there the number is taken in the registration's own
transaction and has no gaps."""

import re
import threading
import unicodedata
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from hotline.calendar.workdays import SHANGHAI

from .models import CaseNumberCounter

# One connection per process for numbers, shared by its threads in turn:
# each use is a single autocommitted statement.
_lock = threading.Lock()
_own = None


def next_number(received_at: datetime) -> str:
    day = timezone.localtime(received_at, SHANGHAI).date()
    return f"{settings.HOTLINE_CASE_PREFIX}{day:%Y%m%d}{_take(day):05d}"


def numbers_for_day(day, count: int) -> list[str]:
    """`count` numbers of one local day at once, for an import of cases
    received that day: one statement moves the day's counter by `count`."""
    last = _take(day, count)
    return [
        f"{settings.HOTLINE_CASE_PREFIX}{day:%Y%m%d}{n:05d}"
        for n in range(last - count + 1, last + 1)
    ]


def case_number(text: str) -> str | None:
    """The case number `text` is, however typed: any case, full-width
    digits, spaces or dashes, with or without the prefix; else None."""
    squeezed = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text or "")).upper()
    prefix = settings.HOTLINE_CASE_PREFIX.upper()
    if re.fullmatch(r"\d{13}", squeezed, flags=re.ASCII):
        squeezed = prefix + squeezed
    if re.fullmatch(re.escape(prefix) + r"\d{13}", squeezed, flags=re.ASCII):
        return settings.HOTLINE_CASE_PREFIX + squeezed[len(prefix) :]
    return None


def _take(day, count: int = 1) -> int:
    table = CaseNumberCounter._meta.db_table
    sql = (
        f"INSERT INTO {table} (day, last) VALUES (%s, %s) "
        f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + %s RETURNING last"
    )
    params = [day, count, count]
    if connection.vendor != "postgresql":
        return _run(connection, sql, params)
    with _lock:
        try:
            return _run(_numbering(), sql, params)
        except DatabaseError:
            # The connection dropped since it was last used (a database
            # restart): once more on a new one; a second failure is the
            # caller's, and its registration fails.
            close_numbering()
            return _run(_numbering(), sql, params)


def _run(on, sql: str, params: list) -> int:
    with on.cursor() as cursor:
        cursor.execute(sql, params)
        (last,) = cursor.fetchone()
    return last


def _numbering():
    global _own
    if _own is None:
        _own = connections.create_connection("default")
        _own.inc_thread_sharing()
    return _own


def close_numbering() -> None:
    """Close the numbering connection (the next number opens another)."""
    global _own
    own, _own = _own, None
    if own is not None:
        own.close()
        own.dec_thread_sharing()
