"""Finding articles for a question (N2, N3).

The query is what the caller said, not keywords: "我想问一下我那个居住证
下个月就到期了要带什么去续", where only a few words tell one article from
another. So, unlike case search (every term must match), any token of the
question may match, and articles are ranked by how much of the question
they hold, each token weighted by how rare it is among the published
articles (a BM25-like inverse document frequency): 居住证 counts, 一下 and
什么 hardly do.

An article's search_text holds the same tokens as a case's
(hotline.cases.search.index_text: rjieba segments, and bigrams marked with
GRAM), lower-cased, and again the tokens of its title and keywords marked
with HEADING, so that a match in the title or keywords weighs more than one
in the answer's body. The rows found are ranked in Python from their
search_text, so both databases rank alike.

Which rows are ranked comes from the full-text index (PostgreSQL GIN on
to_tsvector('simple', search_text), SQLite FTS5 kept by triggers; migration
0002): the rows holding any of the question's rarest tokens, as many of
them as fit in BUDGET rows by their document frequencies. A question made
only of common words still finds its rows from its rarest one."""

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

import rjieba
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from hotline.cases.search import bigrams, index_text
from hotline.reference.revisions import Reference

from .models import ArticleVersion
from .workflow import VersionState

# A letter, so that both indexes keep it in the token: 居住证t is the word
# 居住证 in a title or keywords, 居住gt the bigram.
HEADING = "t"
# How much more a token weighs in the title or keywords than in the text.
HEADING_WEIGHT = 1.5
# A whole word of the question found as a word, against a bigram of it.
WORD_WEIGHT = 1.0
GRAM_WEIGHT = 0.6
# Length normalisation (BM25's b): a long answer holds more tokens by chance.
LENGTH_WEIGHT = 0.3
# At most about this many rows are ranked for one question.
BUDGET = 800

_TOKEN = re.compile(r"[^\W_]+")
_SEARCH_TEXT = '"knowledge_articleversion"."search_text"'
_TSVECTOR = f"to_tsvector('simple'::regconfig, COALESCE({_SEARCH_TEXT}, ''))"

# Words callers say around their question that tell no article from another,
# and would only add noise to every article's score. Rare ones need no place
# here: a word in no article matches nothing.
_STOP = """
    你好 您好 请问 问 问一下 一下 想 我想 想问 想问问 咨询 了解 一个 那个 这个 就是
    我 我们 你 你们 他 她 他们 的 了 吗 呢 吧 啊 呀 嘛 哦 是 有 在 要 去 来 能 会 可以
    怎么 怎么样 怎样 如何 什么 哪里 哪些 哪个 多少 为什么 还是 或者 还有 没有 不 也 都
    就 还 又 再 和 跟 与 及 把 被 给 让 对 从 到 说 看 现在 已经 然后 因为 所以 如果
    的话 一直 比较 非常 谢谢 麻烦 帮 帮忙 帮我 一点 有点 这样 那样 这种 那种 自己
    """
STOP_WORDS = frozenset(_STOP.split())


def article_index_text(version: ArticleVersion) -> str:
    """What a version is found by: its title, question, answer and keywords,
    and its title and keywords again as HEADING tokens."""
    body = index_text(version.title, version.question, version.answer, version.keywords)
    heading = index_text(version.title, version.keywords).lower().split()
    marked = " ".join(token + HEADING for token in dict.fromkeys(heading))
    return f" {body.lower()} {marked} "


def current_versions(on: date):
    """Published versions an agent may answer from on `on` (N2)."""
    return ArticleVersion.objects.filter(
        state=VersionState.PUBLISHED, effective_on__lte=on, review_by__gte=on
    )


def public_versions():
    """What the public reads: published versions current today (N2); never
    a draft, a withdrawn or a superseded version, nor one past review."""
    return current_versions(timezone.localdate())


@dataclass(frozen=True)
class Frequencies:
    articles: int
    mean_length: float
    of: Counter

    def idf(self, token: str) -> float:
        found = self.of.get(token, 0)
        return math.log(1 + (self.articles - found + 0.5) / (found + 0.5))


def _frequencies() -> Frequencies:
    of, articles, length = Counter(), 0, 0
    texts = ArticleVersion.objects.filter(state=VersionState.PUBLISHED).values_list(
        "search_text", flat=True
    )
    for text in texts.iterator(chunk_size=2000):
        articles += 1
        length += len(text)
        of.update(set(text.split()))
    return Frequencies(articles, length / articles if articles else 1.0, of)


# How rare each token is among the published versions: built again in each
# process when a version is published, superseded or withdrawn (a few times
# a day); saving a draft or moving it towards review changes no copy.
# A version in these states is in no copy: saving it changes none.
ON_THE_WAY = (VersionState.DRAFT, VersionState.AWAITING_APPROVAL, VersionState.AWAITING_REVIEW)
FREQUENCIES = Reference(
    "article token frequencies",
    (ArticleVersion,),
    _frequencies,
    matters=lambda version: version.state not in ON_THE_WAY,
)


def question_tokens(text: str) -> dict[str, float]:
    """The question's tokens and their weights: its words (not STOP_WORDS,
    not single characters) and its bigrams."""
    text = (text or "").lower()
    tokens = {}
    for word in rjieba.cut(text):
        if _TOKEN.fullmatch(word) and len(word) > 1 and word not in STOP_WORDS:
            tokens[word] = WORD_WEIGHT
    for gram in bigrams(text):
        if gram[:2] not in STOP_WORDS:
            tokens.setdefault(gram, GRAM_WEIGHT)
    return tokens


def _chosen(tokens, frequencies: Frequencies) -> list[str]:
    """The rarest tokens, as many as BUDGET rows allow (at least one)."""
    chosen, rows = [], 0
    for token in sorted(tokens, key=lambda t: (frequencies.of.get(t, 0), t)):
        rows += frequencies.of.get(token, 0)
        if chosen and rows > BUDGET:
            break
        chosen.append(token)
    return chosen


def _matching(chosen: list[str]):
    if connection.vendor == "postgresql":
        query = " | ".join(f"'{t}'" for t in chosen)
        return RawSQL(
            f"{_TSVECTOR} @@ to_tsquery('simple'::regconfig, %s)",
            [query],
            output_field=BooleanField(),
        )
    query = " OR ".join(f'"{t}"' for t in chosen)
    return Q(
        pk__in=RawSQL(
            "SELECT rowid FROM knowledge_articleversion_fts "
            "WHERE knowledge_articleversion_fts MATCH %s",
            [query],
        )
    )


def _score(text: str, tokens: dict[str, float], frequencies: Frequencies) -> float:
    held = set(text.split())
    score = 0.0
    for token, weight in tokens.items():
        if token in held:
            score += weight * frequencies.idf(token)
        if token + HEADING in held:
            score += weight * frequencies.idf(token) * HEADING_WEIGHT
    return score / (1 - LENGTH_WEIGHT + LENGTH_WEIGHT * len(text) / frequencies.mean_length)


def search_versions(versions: QuerySet, text: str, *, limit: int) -> list[ArticleVersion]:
    """The versions of `versions` that best match `text`, best first; none
    when `text` has nothing to search by. Each has its `search_rank`."""
    tokens = question_tokens(text)
    if not tokens:
        return []
    frequencies = FREQUENCIES.get()
    # Ranked here, each row's text read once: on PostgreSQL a text this long
    # is stored compressed apart from its row, and a string search per token
    # in SQL unpacked it again for every token.
    rows = versions.filter(_matching(_chosen(tokens, frequencies))).values_list("pk", "search_text")
    ranked = sorted(
        ((_score(text, tokens, frequencies), pk) for pk, text in rows[: 4 * BUDGET]),
        reverse=True,
    )[:limit]
    found = ArticleVersion.objects.filter(pk__in=[pk for _, pk in ranked]).select_related(
        "article__unit", "category"
    )
    by_pk = {v.pk: v for v in found}
    for score, pk in ranked:
        by_pk[pk].search_rank = score
    return [by_pk[pk] for _, pk in ranked]


def find_articles(text: str, *, on: date, limit: int = 5) -> list[ArticleVersion]:
    """The current versions that best match `text`, best first (N2, N3)."""
    return search_versions(current_versions(on), text, limit=limit)


def search_articles(text: str, *, public: bool, unit=None, limit: int = 20):
    """For the portal and the API: published current versions; and, when
    not `public` and a `unit` is given, that unit's versions in any state."""
    versions = public_versions()
    if not public and unit is not None:
        versions = ArticleVersion.objects.filter(
            Q(pk__in=versions.values("pk")) | Q(article__unit=unit)
        )
    return search_versions(versions, text, limit=limit)


_FTS = "knowledge_articleversion_fts"
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {_FTS}_insert AFTER INSERT ON knowledge_articleversion "
    f"BEGIN INSERT INTO {_FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {_FTS}_delete AFTER DELETE ON knowledge_articleversion "
    f"BEGIN INSERT INTO {_FTS}({_FTS}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {_FTS}_update AFTER UPDATE OF search_text "
    f"ON knowledge_articleversion BEGIN INSERT INTO {_FTS}({_FTS}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {_FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def ensure_sqlite_index(sender, using="default", **kwargs):
    """As hotline.cases.search.ensure_sqlite_index, for the articles' FTS
    table: SQLite drops its triggers when a migration rebuilds the table."""
    from django.db import connections

    db = connections[using]
    if db.vendor != "sqlite":
        return
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = %s", [_FTS]
        )
        if cursor.fetchone()[0] == 0:
            return  # not migrated this far yet
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{_FTS}_%"],
        )
        complete = cursor.fetchone()[0] == len(SQLITE_TRIGGERS)
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
        if not complete:
            cursor.execute(f"INSERT INTO {_FTS}({_FTS}) VALUES ('rebuild')")
