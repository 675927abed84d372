"""Full-text search of Chinese case text.

Chinese has no spaces, so the text is segmented with rjieba and stored as
space-separated words in Case.search_text; the database indexes those words
(PostgreSQL: a GIN index on to_tsvector('simple', …); SQLite: an FTS5
table kept in step by triggers, see migration 0003). A query is segmented
the same way and every word must match."""

import re

import rjieba
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w")
# At most this many matches are ordered by date from the full-text index.
FEW = 2000


def segment(*texts: str) -> str:
    words = []
    for text in texts:
        words += [w for w in rjieba.cut(text or "") if _WORD.search(w)]
    return " ".join(words)


def search(queryset, query: str):
    """Cases of `queryset` whose text contains every word of `query`."""
    words = segment(query).split()
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        matching = queryset.annotate(_search=SearchVector("search_text", config="simple")).filter(
            _search=SearchQuery(" ".join(words), config="simple", search_type="plain")
        )
        # Asked in date order, PostgreSQL walks the cases newest first until
        # a page of them matches: quick for a common word, the whole table
        # for a rare one or one in no case. So the full-text index is asked
        # first for a bounded set, in no order: when the words are rarer
        # than that, the page is ordered from those few.
        few = list(matching.order_by().values_list("pk", flat=True)[: FEW + 1])
        return queryset.filter(pk__in=few) if len(few) <= FEW else matching
    match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
    return queryset.filter(
        pk__in=RawSQL("SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s", [match])
    )


SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS cases_case_fts_insert AFTER INSERT ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_case_fts_delete AFTER DELETE ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_case_fts_update AFTER UPDATE OF search_text ON cases_case "
    "BEGIN INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def ensure_sqlite_index(sender, using="default", **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds the table,
    so after every migrate the FTS triggers are put back and, if any was
    missing, the index is rebuilt from the cases."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cases_case_fts'"
        )
        if cursor.fetchone()[0] == 0:
            return  # not migrated this far yet
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'cases_case_fts_%'"
        )
        complete = cursor.fetchone()[0] == len(SQLITE_TRIGGERS)
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
        if not complete:
            cursor.execute("INSERT INTO cases_case_fts(cases_case_fts) VALUES ('rebuild')")
