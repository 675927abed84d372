"""Full-text search of Chinese case text.

Chinese has no spaces, so the text is segmented with rjieba; but a person
searches for whatever they remember, and a segmenter cuts "温泉公园路灯不亮"
into 公园路 / 灯不亮, where 路灯 is no word at all. So Case.search_text holds
two kinds of tokens, space-separated: the segments, and beside them every
pair of neighbouring Chinese characters (bigrams), marked with GRAM so that
a whole word can be told from a piece of one. The database indexes those
tokens (PostgreSQL: a GIN index on to_tsvector('simple', …); SQLite: an
FTS5 table kept in step by triggers, see migration 0003).

A query is split at spaces into terms, and each term is segmented as the
text is; every segment must match. A segment matches a case when it is a
segment of the case (a whole word, as before), or when all its bigrams are
in the case (any substring of two characters or more; see _term for single
characters).

Ranking: the cases in which more terms match as whole words come first,
then newest first. When more than FEW cases match on PostgreSQL, the query
is a common word and they are shown newest first only: ordering a hundred
thousand matches by rank would read them all for one page."""

import re

import rjieba
from django.db import connection
from django.db.models import BooleanField, IntegerField, Q, Value
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w")
# A stretch of Chinese characters (the CJK ideograph blocks), and a token
# the index keeps whole (letters and digits, Chinese among them).
_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{_HAN_CHARS}]+")
_TOKEN = re.compile(r"[^\W_]+")
# Appended to a bigram: a letter, so both indexes keep it in the same token,
# and unlike any Chinese word, so that 公园 the word and 公园 the piece of
# 温泉公园 stay apart for ranking.
GRAM = "g"
# At most this many matches are ranked from the full-text index.
FEW = 5000
RANK = "search_rank"

_TSVECTOR = "to_tsvector('simple'::regconfig, COALESCE(\"cases_case\".\"search_text\", ''))"


def segment(*texts: str) -> str:
    words = []
    for text in texts:
        words += [w for w in rjieba.cut(text or "") if _WORD.search(w)]
    return " ".join(words)


def bigrams(*texts: str) -> list[str]:
    grams = []
    for text in texts:
        for run in _HAN.findall(text or ""):
            grams += [run[i : i + 2] + GRAM for i in range(len(run) - 1)]
    return grams


def index_text(*texts: str) -> str:
    """What Case.search_text holds for these (already masked) texts."""
    return " ".join(filter(None, [segment(*texts), " ".join(dict.fromkeys(bigrams(*texts)))]))


def _term(term: str) -> list[list[list[str]]]:
    """What one term asks for: each of its segments, as ways to match it
    (any one will do), each way a list of tokens that must all be there.
    The first way is the segment as a whole word. A segment of two or more
    Chinese characters may also be found by its bigrams; a single character
    by the bigram it makes with its neighbour in the term, either side, so
    that 台江路噪音 finds a text cut as 台江 / 路上 … 噪音."""
    wants, end = [], 0
    for piece in rjieba.cut(term):
        start, end = end, end + len(piece)
        if not _WORD.search(piece):
            continue
        if not _TOKEN.fullmatch(piece):
            # Letters or digits with punctuation inside ("3.5", "e-mail"):
            # each run of them as a word.
            wants += [[[t.lower()]] for t in _TOKEN.findall(piece)]
            continue
        ways = [[piece.lower()]]
        if len(piece) > 1:
            grams = bigrams(piece)
            if grams:
                ways.append(grams)
        elif _HAN.fullmatch(piece):
            ways += [[g] for g in bigrams(term[max(start - 1, 0) : end + 1]) if piece in g]
        wants.append(ways)
    return wants


def terms(query: str) -> list[list[list[list[str]]]]:
    return [t for t in map(_term, (query or "").split()) if t]


def _query(found, all_of, both: str, either: str) -> str:
    """The whole query in the index's syntax: every segment of every term,
    in one of its ways."""
    return f" {both} ".join(
        "(" + f" {either} ".join(all_of(way) for way in ways) + ")"
        for term in found
        for ways in term
    )


def _exact(found) -> list[list[str]]:
    """For each term, its segments as whole words."""
    return [[ways[0][0] for ways in term] for term in found]


def _postgres_all(tokens) -> str:
    return "(" + " & ".join(f"'{t}'" for t in dict.fromkeys(tokens)) + ")"


def _fts_all(tokens) -> str:
    return "(" + " AND ".join(f'"{t}"' for t in dict.fromkeys(tokens)) + ")"


def search(queryset, query: str, *, first=None):
    """Cases of `queryset` in which every term of `query` matches, annotated
    with RANK (how many terms match as whole words). `first`, a queryset of
    case ids, adds those cases (at most FEW) ranked above every text match:
    the staff's search by case number, phone or name."""
    found = terms(query)
    first_ids = [] if first is None else list(first[:FEW])
    if not found and not first_ids:
        return queryset if first is None else queryset.none()
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, found, first_ids)
    return _search_sqlite(queryset, found, first_ids)


def _first(found, first_ids) -> tuple[str, Q]:
    """The rank of the cases found first, and the filter of them."""
    if not first_ids:
        return "", Q(pk__in=[])
    ids = ", ".join(str(int(pk)) for pk in first_ids)
    rank = f'(CASE WHEN "cases_case"."id" IN ({ids}) THEN {len(found) + 1} ELSE 0 END)'
    return rank, Q(pk__in=first_ids)


def _ranked(queryset, parts, params):
    rank = " + ".join(p for p in parts if p) or "0"
    return queryset.annotate(**{RANK: RawSQL(rank, params, output_field=IntegerField())})


def _search_sqlite(queryset, found, first_ids):
    matching = "SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s"
    first_rank, condition = _first(found, first_ids)
    if found:
        condition |= Q(pk__in=RawSQL(matching, [_query(found, _fts_all, "AND", "OR")]))
    exact = _exact(found)
    parts = [f'(CASE WHEN "cases_case"."id" IN ({matching}) THEN 1 ELSE 0 END)' for _ in exact]
    return _ranked(queryset.filter(condition), [*parts, first_rank], list(map(_fts_all, exact)))


# Whether search_text holds a token: a plain string search, which on a row
# at hand costs a small part of building its tsvector again.
_HOLDS = "strpos(' ' || lower(\"cases_case\".\"search_text\") || ' ', %s) > 0"


def _holds(tokens) -> tuple[str, list[str]]:
    tokens = list(dict.fromkeys(tokens))
    return "(" + " AND ".join([_HOLDS] * len(tokens)) + ")", [f" {t} " for t in tokens]


def _holds_query(found) -> tuple[str, list[str]]:
    """The whole query as string searches (what the index answers, on rows
    already read)."""
    sql, params = [], []
    for term in found:
        for ways in term:
            either = [_holds(way) for way in ways]
            sql.append("(" + " OR ".join(s for s, _ in either) + ")")
            params += [p for _, ps in either for p in ps]
    return " AND ".join(sql), params


# The queries (within a list of cases) this process found common: asking
# the index for FEW + 1 of their cases cost most of their time (a GIN bitmap
# of every match), and a common query stays common as cases only grow.
_COMMON: dict[tuple, bool] = {}
_COMMON_KEPT = 1000


def _search_postgres(queryset, found, first_ids):
    first_rank, condition = _first(found, first_ids)
    if found:
        tsquery = _query(found, _postgres_all, "&", "|")
        text = RawSQL(
            f"{_TSVECTOR} @@ to_tsquery('simple'::regconfig, %s)",
            [tsquery],
            output_field=BooleanField(),
        )
        sql, params = queryset.query.sql_with_params()
        key = (FEW, tsquery, sql, repr(params))
        # Asked in date order, PostgreSQL walks the cases newest first until
        # a page of them matches: quick for a common word, the whole table
        # for a rare one or one in no case. So the full-text index is asked
        # first for a bounded set, in no order: when the words are rarer
        # than that, the page is ranked and ordered from those few.
        few = []
        if key not in _COMMON:
            few = list(queryset.filter(text).order_by().values_list("pk", flat=True)[: FEW + 1])
        if key in _COMMON or len(few) > FEW:
            if len(_COMMON) >= _COMMON_KEPT:
                _COMMON.clear()
            _COMMON[key] = True
            # A common word: one case in a few hundred at least, so walking
            # the date order meets a page of them soon, each row checked by
            # string search rather than by building its tsvector again.
            holds, params = _holds_query(found)
            walk = RawSQL(holds, params, output_field=BooleanField())
            return queryset.filter(condition | Q(walk)).annotate(
                **{RANK: Value(0, output_field=IntegerField())}
            )
        condition = Q(pk__in=[*few, *first_ids])
    parts, params = [], []
    for words in _exact(found):
        holds, tokens = _holds(words)
        parts.append(f"(CASE WHEN {holds} THEN 1 ELSE 0 END)")
        params += tokens
    return _ranked(queryset.filter(condition), [*parts, first_rank], params)


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
