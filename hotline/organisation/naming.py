"""How staff find a unit and a district by name (issue 15): units are
ordered by pinyin, as a Chinese reader expects of a long list, and found
by their name, an alias (城管) or the pinyin initials of either (cg). And
which of the city's districts a free-text location names. Pure: no Django."""

import re
from collections.abc import Iterable
from functools import lru_cache

ALIAS_SEPARATORS = re.compile(r"[\s,，、;；]+")


def aliases_of(text: str) -> list[str]:
    """The aliases an administrator wrote, one per separator."""
    return [a for a in ALIAS_SEPARATORS.split(text or "") if a]


@lru_cache(maxsize=4096)
def _syllables(text: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin  # a large table: loaded when first needed

    return tuple(s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="default"))


def sort_key(name: str) -> tuple:
    """Pinyin order (鼓楼 before 仓山 is wrong: cang < gu), then the name
    itself so that homophones keep a stable order."""
    return (" ".join(_syllables(name)), name)


def search_terms(name: str, aliases: Iterable[str] = ()) -> str:
    """Everything a unit can be found by, lower case, separated by spaces:
    the name and each alias as written, their initials, and their full
    pinyin with its syllables apart (chang'le'qu), so that what is typed
    in pinyin starts at a syllable: "gl" is not found inside "changle"."""
    words = []
    for text in (name, *aliases):
        syllables = _syllables(text)
        words += [text.lower(), "".join(s[:1] for s in syllables), "'".join(syllables)]
    return " ".join(dict.fromkeys(w for w in words if w))


def _finds(word: str, term: str) -> bool:
    if "'" not in term:
        return word in term
    syllables = term.split("'")
    return any("".join(syllables[i:]).startswith(word) for i in range(len(syllables)))


def matches(query: str, terms: str) -> bool:
    """Whether what was typed finds a unit: every word of it is in one of
    its terms, a pinyin one from the start of a syllable (the same test as
    the picker's script makes)."""
    words = query.lower().split()
    terms = terms.split()
    return all(any(_finds(word, term) for term in terms) for word in words)


def short_district_name(name: str) -> str:
    """仓山区 → 仓山, 闽侯县 → 闽侯, 福清市 → 福清: how a location is often
    written. A name of two characters keeps its suffix (no one-character
    names)."""
    return name[:-1] if len(name) > 2 and name[-1] in "区县市" else name


def districts_named(text: str, district_names: Iterable[str]) -> set[str]:
    """The districts a location names, in full or in short."""
    text = text or ""
    return {name for name in district_names if name in text or short_district_name(name) in text}
