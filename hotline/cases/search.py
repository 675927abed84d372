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
        return queryset.annotate(_search=SearchVector("search_text", config="simple")).filter(
            _search=SearchQuery(" ".join(words), config="simple", search_type="plain")
        )
    match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
    return queryset.filter(
        pk__in=RawSQL("SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s", [match])
    )
