"""Masking personal data in free text (D8). PURE: no Django imports.

Ordinary writing must not beat the mask, so the text is read through a
normalised copy: each character through NFKC (full-width digits, letters and
brackets become half-width), lower case, accents dropped, Chinese digits
(〇 零 一 幺 二 … 九, 壹 … 玖) read as digits. Separators (spaces, dashes,
dots, brackets, slashes, middle dots…) are skipped when numbers, names and
addresses are looked for, and every normalised character remembers the
original character it came from, so the output is the original text with
only the personal characters replaced: "139 1234 5678" becomes
"139 **** 5678", "王 小 明" becomes "王 * *".

Every text is masked for, whoever wrote it:

- mobile numbers (also with +86, 0086 or 86 in front), landlines with their
  area code, ID numbers (18 digits, the X check digit, the old 15-digit
  form), card numbers, and local or QQ numbers after a word such as 电话 or
  QQ: their middle digits become "*";
- e-mail addresses, also written with (at), [at], " at ", "#" or 艾特: all of
  the local part but its first character; a WeChat ID after 微信 likewise.

Characters that show nothing (zero-width spaces, soft hyphens, word joiners)
are dropped first, other scripts' digits (١٣٩, ❶) read as digits, and Chinese
punctuation (，。、：；) parts a number as a space does; a number may run over
a few line breaks.

Given a requester (`Masker(names=…, phones=…, …)`), everything the system
can derive from their own details goes too: their phone, ID number and
e-mail in any of the forms above, and their address and its parts without
province, city, district or street prefixes (down to four characters, also
with Chinese numerals, and the street and house number with any word for the
house: 88号, 88栋, 88幢, 88#, 88-3), become "[已隐去]"; their name becomes its surname and
stars, also written with separators between the characters, their given name
alone, and the name in pinyin (with or without spaces, capitals, tone marks
or tone numbers, in either order).
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice, product

HIDDEN = "[已隐去]"
STAR = "*"

CHINESE_DIGITS = dict(
    zip("〇零一幺二三四五六七八九壹贰叁肆伍陆柒捌玖", "001123456789123456789", strict=True)
)
# The financial forms of the numeral units, as house numbers are written
# (捌拾捌号 as 八十八号).
CHINESE_UNITS = {"拾": "十", "佰": "百", "仟": "千"}
# Characters that show nothing (zero-width spaces and joiners, soft hyphens,
# the byte-order mark, variation selectors, a keycap's frame): dropped, so
# they part nothing.
INVISIBLE = frozenset(("Cf", "Mn", "Me"))
DIGITS = frozenset("0123456789")
# What may stand between the digits of one number (after NFKC: full-width
# forms are already half-width here).
NUMBER_GAP = frozenset(" \t\r\n\u00a0\u3000-‐‑‒–—―_./\\|()[]{}<>,、。:;…+~·•・'\"")
# At most this many marks between two runs of one number, and this many
# characters with the spaces and line breaks around them.
MAX_GAP = 3
MAX_GAP_SPAN = 12
# What may stand between the characters of a name or an address.
WORD_GAP = NUMBER_GAP | frozenset("*#=")

# Two-character surnames, so that the given name alone is known (欧阳娜娜 → 娜娜).
COMPOUND_SURNAMES = frozenset(
    re.findall(
        "..",
        "欧阳司马上官诸葛东方皇甫尉迟公孙慕容令狐夏侯长孙宇文司徒轩辕端木南宫"
        "西门独孤呼延钟离澹台申屠万俟闻人赫连太叔濮阳公冶宗政单于百里东郭"
        "南门羊舌微生梁丘左丘东门第五",
    )
)

PHONE_WORDS = re.compile(
    r"(?:电话|座机|固话|手机|号码|热线|联系|致电|拨打|tel|phone|mobile|call)[^0-9a-z]{0,4}$"
)
QQ_WORDS = re.compile(r"(?:qq|扣扣|微信|wechat|vx|wx)[^0-9a-z]{0,4}$")
ADMIN_LEVELS = [
    re.compile(r"^(?:中华人民共和国|中国)"),
    re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区|特别行政区)"),
    re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:市|自治州|地区|盟)"),
    re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:区|县|市|旗)"),
    re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:街道|镇|乡)"),
]
HOUSE_NUMBER = re.compile(r"^(\D*?[\u4e00-\u9fff]\D*?\d+(?:号|弄|栋|幢|座|#))")
MIN_ADDRESS = 4
MIN_LATIN_NAME = 4

MOBILE = re.compile(r"(?:0086|86|0)?(1[3-9]\d{9})")
LANDLINE = re.compile(r"((?:0086|86)0?|0)([1-9]\d{1,2})(\d{7,8})")
ID18 = re.compile(r"\d{17}[\dx]")
ID15 = re.compile(r"\d{15}")
CARD = re.compile(r"\d{16,19}")
EMAIL = re.compile(
    r"(?<![a-z0-9._%+-])([a-z0-9][a-z0-9._%+-]*)\s*"
    r"(?:@|\(at\)|\[at\]|\{at\}|<at>|(?<=\s)at(?=\s)|#|艾特|圈a)\s*"
    r"((?:[a-z0-9-]+\s*(?:\.|。|\(dot\)|\[dot\]|\{dot\}|(?<=\s)dot(?=\s)|点)\s*)+[a-z]{2,})"
    r"(?![a-z0-9-])"
)
# A WeChat ID after the word: a letter, then 5 to 19 letters, digits, _ or -
# (one of them not a letter, so that an English word after 微信 stays).
WECHAT_ID = re.compile(
    r"(?<![a-z])(?:微信|wechat|weixin|vx|wx)(?:号|id)?[^0-9a-z]{0,4}"
    r"((?=[a-z_-]*[0-9_-])[a-z][a-z0-9_-]{5,19})(?![a-z0-9_-])"
)
DOT_FORMS = re.compile(r"\s*(?:\.|。|\(dot\)|\[dot\]|\{dot\}|dot|点)\s*")


@lru_cache(maxsize=8192)
def fold(ch: str) -> str:
    """One character as it is compared: NFKC, lower case, no accents,
    Chinese digits as digits. May be empty (a combining mark) or longer."""
    if unicodedata.category(ch) in INVISIBLE:
        return ""
    s = unicodedata.normalize("NFKC", ch).lower()
    if not s.isascii() and all(ord(c) < 0x2000 for c in s):
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    if len(s) == 1 and not s.isascii() and (value := unicodedata.digit(s, None)) is not None:
        s = str(value)  # other scripts' digits, ❶ and the like: as digits
    return "".join(CHINESE_DIGITS.get(c) or CHINESE_UNITS.get(c, c) for c in s)


def fold_text(text: str) -> str:
    return "".join(fold(ch) for ch in text)


def _is_latin(c: str) -> bool:
    return "a" <= c <= "z"


class _Text:
    """A text, its normalised characters and where each came from."""

    def __init__(self, text: str):
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            for c in fold(ch):
                chars.append(c)
                origin.append(i)
        self.text = text
        self.norm = "".join(chars)
        self.origin = origin
        self.stars: set[int] = set()  # original indices shown as "*"
        self.hidden: list[tuple[int, int]] = []  # normalised ranges [start, end] shown as HIDDEN

    def skeleton(self, gap: frozenset, *, drop_tones: bool = False) -> tuple[str, list[int]]:
        """The normalised text without separators, and the normalised index
        of each of its characters. `drop_tones` also drops a tone number
        right after a letter (wang2 xiao3 → wangxiao)."""
        kept, where = [], []
        for i, c in enumerate(self.norm):
            if c in gap:
                continue
            if drop_tones and c in "012345" and kept and _is_latin(kept[-1]):
                continue
            kept.append(c)
            where.append(i)
        return "".join(kept), where

    def star(self, norm_indices: Iterable[int]) -> None:
        for i in norm_indices:
            self.stars.add(self.origin[i])

    def hide(self, first: int, last: int) -> None:
        self.hidden.append((first, last))

    def render(self) -> str:
        spans = []
        for first, last in sorted(self.hidden):
            start, end = self.origin[first], self.origin[last] + 1
            if spans and start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        out, i, k = [], 0, 0
        text = self.text
        while i < len(text):
            if k < len(spans) and i >= spans[k][0]:
                out.append(HIDDEN)
                i = max(i, spans[k][1])
                k += 1
                continue
            out.append(STAR if i in self.stars else text[i])
            i += 1
        return "".join(out)


def _occurrences(haystack: str, needle: str) -> Iterator[int]:
    start = haystack.find(needle)
    while start >= 0:
        yield start
        start = haystack.find(needle, start + 1)


# Numbers -------------------------------------------------------------------


def _chains(norm: str) -> Iterator[list[tuple[int, int]]]:
    """Runs of digits that only separators part: each a list of (start, end)
    normalised ranges. An x right after the digits (an ID's check digit)
    belongs to the last run."""
    n, i = len(norm), 0
    while i < n:
        if norm[i] not in DIGITS:
            i += 1
            continue
        runs, j = [], i
        while True:
            start = j
            while j < n and norm[j] in DIGITS:
                j += 1
            if j < n and norm[j] == "x" and not (j + 1 < n and _is_latin(norm[j + 1])):
                j += 1
                runs.append((start, j))
                break
            runs.append((start, j))
            k, marks = j, 0
            while k < n and k - j < MAX_GAP_SPAN and norm[k] in NUMBER_GAP:
                marks += not norm[k].isspace()
                if marks > MAX_GAP:
                    break
                k += 1
            if j < k < n and norm[k] in DIGITS:
                j = k
                continue
            if j < k < n and norm[k] == "x" and not (k + 1 < n and _is_latin(norm[k + 1])):
                runs.append((k, k + 1))
                j = k + 1
            break
        yield runs
        i = j


def _plausible_date(digits: str, at: int, year_digits: int) -> bool:
    if year_digits == 4 and digits[at : at + 2] not in ("18", "19", "20"):
        return False
    month = int(digits[at + year_digits : at + year_digits + 2])
    day = int(digits[at + year_digits + 2 : at + year_digits + 4])
    return 1 <= month <= 12 and 1 <= day <= 31


def _classify(
    digits: str, runs: list[str], after_word: tuple[int, int]
) -> tuple[int, range] | None:
    """(priority, which digit offsets to star) if `digits` (the runs joined)
    is a personal number, else None."""
    n, several = len(digits), len(runs) > 1
    if m := MOBILE.fullmatch(digits):
        core = m.start(1)
        return 0, range(core + 3, core + 7)
    if ID18.fullmatch(digits) and (not several or _plausible_date(digits, 6, 4)):
        return 1, range(6, n - 4)
    if m := LANDLINE.fullmatch(digits):
        return 2, range(m.start(3), n - 4)
    if ID15.fullmatch(digits) and (not several or _plausible_date(digits, 6, 2)):
        return 3, range(6, n - 4)
    if CARD.fullmatch(digits) and (not several or all(len(r) == 4 for r in runs[:-1])):
        return 4, range(6, n - 4)
    low, high = after_word
    if low <= n <= high and "x" not in digits:
        return 5, range(0, n - 4) if n >= 7 else range(n)
    return None


def _numbers(t: _Text, own: tuple[str, ...]) -> None:
    """Star the personal numbers of `t`; hide every one holding one of the
    requester's own numbers (`own`: digit strings, x for the check digit)."""
    norm = t.norm
    for runs in _chains(norm):
        texts = [norm[s:e] for s, e in runs]
        where = [i for s, e in runs for i in range(s, e)]
        joined = "".join(texts)
        offsets = [0]
        for piece in texts:
            offsets.append(offsets[-1] + len(piece))
        before = norm[max(0, runs[0][0] - 12) : runs[0][0]]
        # A local number after 电话 (7-8 digits), a QQ number after QQ (5-11).
        word = (0, -1)
        if PHONE_WORDS.search(before):
            word = (7, 8)
        elif QQ_WORDS.search(before):
            word = (5, 11)
        found = []
        for a in range(len(runs)):
            for b in range(a, len(runs)):
                lo, hi = offsets[a], offsets[b + 1]
                if hi - lo > 22:
                    break
                kind = _classify(joined[lo:hi], texts[a : b + 1], word if a == 0 else (0, -1))
                if kind is not None:
                    found.append((-(hi - lo), kind[0], lo, hi, kind[1]))
        found.sort(key=lambda f: f[:3])
        taken: list[tuple[int, int, range]] = []
        for _, _, lo, hi, starred in found:
            if not any(lo < end and start < hi for start, end, _ in taken):
                taken.append((lo, hi, starred))
        mine = [(at, at + len(secret)) for secret in own for at in _occurrences(joined, secret)]
        for lo, hi in mine:
            for start, end, _ in taken:
                if lo < end and start < hi:
                    lo, hi = min(lo, start), max(hi, end)
            t.hide(where[lo], where[hi - 1])
        # A number that only partly overlaps one taken (a card number made of
        # the end of one mobile and the whole of the next, across a "；") is
        # masked as well: each may be the one that was meant.
        starred_too = [
            (lo, hi, starred)
            for _, _, lo, hi, starred in found
            if not any(start <= lo and hi <= end for start, end, _ in taken)
        ]
        for lo, hi, starred in taken + starred_too:
            if not any(lo < end and start < hi for start, end in mine):
                t.star(where[lo + k] for k in starred)


def _own_numbers(phones: Iterable[str], id_numbers: Iterable[str]) -> tuple[str, ...]:
    found = set()
    for phone in phones:
        digits = "".join(c for c in fold_text(phone or "") if c in DIGITS)
        if m := MOBILE.fullmatch(digits):
            found.add(m.group(1))
        elif m := LANDLINE.fullmatch(digits):
            found.add(m.group(2) + m.group(3))
            found.add(m.group(3))
        elif len(digits) >= 5:
            found.add(digits)
    for number in id_numbers:
        digits = "".join(c for c in fold_text(number or "") if c in DIGITS or c == "x")
        if len(digits) == 18:
            found.update((digits, digits[:17], digits[:6] + digits[8:17]))
        elif len(digits) == 15:
            found.update((digits, digits[:6] + "19" + digits[6:]))
        elif len(digits) >= 6:
            found.add(digits)
    return tuple(sorted(found, key=len, reverse=True))


# E-mail --------------------------------------------------------------------


def _canonical_email(local: str, domain: str) -> str:
    return local + "@" + DOT_FORMS.sub(".", domain)


def _emails(t: _Text, own: frozenset[str]) -> None:
    for m in EMAIL.finditer(t.norm):
        if _canonical_email(m.group(1), m.group(2)) in own:
            t.hide(m.start(), m.end() - 1)
        else:
            t.star(range(m.start(1) + 1, m.end(1)))


def _wechat_ids(t: _Text) -> None:
    for m in WECHAT_ID.finditer(t.norm):
        t.star(range(m.start(1) + 1, m.end(1)))


def _own_emails(emails: Iterable[str]) -> frozenset[str]:
    found = set()
    for email in emails:
        folded = "".join(fold_text(email or "").split())
        if "@" in folded:
            local, _, domain = folded.rpartition("@")
            found.add(_canonical_email(local, domain))
    return frozenset(found)


# Names ---------------------------------------------------------------------


def _cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


@lru_cache(maxsize=4096)
def name_forms(name: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(written forms: keep the first character, given name alone: star it
    all, Latin forms: keep the first letter) of a name, each folded and
    without separators."""
    folded = _squeeze(name or "")
    if len(folded) < 2:
        return (), (), ()
    if not any(_cjk(c) for c in folded):
        words = [w for w in re.split(r"[^a-z]+", fold_text(name)) if w]
        latin = {"".join(words), "".join(reversed(words))}
        return (), (), tuple(f for f in latin if len(f) >= MIN_LATIN_NAME)
    surname = 2 if folded[:2] in COMPOUND_SURNAMES else 1
    given = folded[surname:]
    written = (folded,)
    alone = (given,) if len(given) >= 2 else ()
    return written, alone, tuple(sorted(_pinyin_forms(folded, surname)))


def _pinyin_forms(name: str, surname: int) -> set[str]:
    from pypinyin import Style, lazy_pinyin, pinyin  # a large table: loaded when first needed

    readings = [
        list(dict.fromkeys([first, *others]))
        for first, others in zip(
            lazy_pinyin(name, style=Style.NORMAL),
            pinyin(name, style=Style.NORMAL, heteronym=True),
            strict=False,
        )
    ]
    forms = set()
    for combo in islice(product(*readings), 32):
        family, given = "".join(combo[:surname]), "".join(combo[surname:])
        candidates = [family + given, given + family]
        if len(combo) - surname >= 2:
            candidates.append(given)
        for form in candidates:
            forms.update({form, form.replace("v", "u"), form.replace("v", "yu")})
    return {f for f in forms if len(f) >= MIN_LATIN_NAME and f.isascii() and f.isalpha()}


def _names(t: _Text, names: tuple[str, ...]) -> None:
    written, where = t.skeleton(WORD_GAP)
    latin, latin_where = t.skeleton(WORD_GAP | frozenset("'"), drop_tones=True)
    for name in names:
        full, alone, pinyin_forms = name_forms(name)
        for form in full:
            for at in _occurrences(written, form):
                t.star(where[at + 1 : at + len(form)])
        for form in alone:
            for at in _occurrences(written, form):
                t.star(where[at : at + len(form)])
        for form in pinyin_forms:
            for at in _occurrences(latin, form):
                end = at + len(form)
                if _apart(latin, latin_where, at - 1, at) and _apart(
                    latin, latin_where, end - 1, end
                ):
                    t.star(i for i in latin_where[at + 1 : end] if _is_latin(t.norm[i]))


def _apart(skeleton: str, where: list[int], left: int, right: int) -> bool:
    """Whether a word boundary lies between skeleton positions left and right."""
    if left < 0 or right >= len(skeleton):
        return True
    if not (_is_latin(skeleton[left]) and _is_latin(skeleton[right])):
        return True
    return where[right] - where[left] > 1  # a separator stood between them


# Addresses and other secrets -------------------------------------------------


def _chinese_number(n: int) -> str:
    """12 → 十二, 88 → 八十八, 105 → 一百零五 (below ten thousand)."""
    if n == 0:
        return "零"
    digits, units = "零一二三四五六七八九", ["", "十", "百", "千"]
    if n >= 10000:
        return str(n)
    parts, zero = [], False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(digits[d] + units[power])
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


@lru_cache(maxsize=4096)
def address_forms(address: str) -> tuple[str, ...]:
    """The folded forms of an address that must not appear: the whole, what is
    left after each province, city, district or street prefix, and the
    street and house number alone; each also with Chinese numerals."""
    rest = _squeeze(address or "")
    stripped = rest
    for level in ADMIN_LEVELS:
        stripped = level.sub("", stripped, count=1)
    if len(stripped) < 2:
        return ()  # only administrative areas: nothing personal
    rests = [rest]
    for level in ADMIN_LEVELS:
        rests.append(level.sub("", rests[-1], count=1))
    forms = set(rests)
    for form in rests:
        if m := HOUSE_NUMBER.match(form):
            # The street and number, also with another word for the house
            # (88号, 88栋, 88幢, 88#) or none (88-3).
            forms.update((m.group(1), m.group(1)[:-1]))
    written = set()
    for form in forms:
        written.add(form)
        written.add(fold_text(re.sub(r"\d+", lambda m: _chinese_number(int(m.group())), form)))
    return tuple(sorted((f for f in written if len(f) >= MIN_ADDRESS), key=len, reverse=True))


def _squeeze(text: str) -> str:
    """Folded, without separators: as names and addresses are compared."""
    return "".join(c for c in fold_text(text) if c not in WORD_GAP)


NUMERALS = DIGITS | frozenset("十百千")


def _hide_all(t: _Text, forms: Iterable[str]) -> None:
    written, where = t.skeleton(WORD_GAP)
    for form in forms:
        for at in _occurrences(written, form):
            end = at + len(form)
            if (
                form[-1] in NUMERALS
                and end < len(written)
                and written[end] in NUMERALS
                and where[end] == where[end - 1] + 1
            ):
                continue  # 温泉路88 is not 温泉路880号 (but is 温泉路88-3)
            t.hide(where[at], where[end - 1])


# The mask ------------------------------------------------------------------


class Masker:
    """A mask for one requester: call it on each text of their case."""

    def __init__(
        self,
        *,
        names: Iterable[str] = (),
        phones: Iterable[str] = (),
        id_numbers: Iterable[str] = (),
        emails: Iterable[str] = (),
        addresses: Iterable[str] = (),
        secrets: Iterable[str] = (),
    ):
        self.names = tuple(n for n in names if n)
        self.numbers = _own_numbers(phones, id_numbers)
        self.emails = _own_emails(emails)
        literal = {_squeeze(s) for s in secrets if s} | {
            _squeeze(e.partition("@")[0]) for e in self.emails
        }
        whole = [f for a in addresses if a for f in address_forms(a)]
        self.hidden_forms = tuple(
            sorted({*whole, *(s for s in literal if len(s) >= MIN_ADDRESS)}, key=len, reverse=True)
        )

    def __call__(self, text: str) -> str:
        if not text:
            return text or ""
        t = _Text(text)
        _hide_all(t, self.hidden_forms)
        _emails(t, self.emails)
        _wechat_ids(t)
        _numbers(t, self.numbers)
        _names(t, self.names)
        return t.render()


def mask(
    text: str,
    *,
    names: tuple[str, ...] = (),
    secrets: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    id_numbers: tuple[str, ...] = (),
    emails: tuple[str, ...] = (),
    addresses: tuple[str, ...] = (),
) -> str:
    """Mask personal numbers and e-mail addresses anywhere, the given names
    (surname kept), and the given phones, ID numbers, e-mail addresses,
    addresses and literal secrets entirely, in every form described above."""
    return Masker(
        names=names,
        phones=phones,
        id_numbers=id_numbers,
        emails=emails,
        addresses=addresses,
        secrets=secrets,
    )(text)
