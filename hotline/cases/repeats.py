"""Likely repeats (D7): same requester identity and similar content."""

import re
import unicodedata

import rjieba

# Two texts are "similar" when they share this share of their words: high
# enough that two different complaints by one caller are not confused.
SIMILARITY = 0.5
_WORD = re.compile(r"\w")


def normalise_phone(phone: str) -> str:
    """The number in ASCII digits, separators and the country code (+86,
    0086) dropped; "" if it is not a phone number. Digits of every script
    count as digits (full-width １３９, Arabic-Indic ١٣٩…): Python's \\d
    accepts them, so a form would too, and a number written in them must
    be the same number for the per-mobile limit, for repeats and for the
    SMS gateway."""
    digits = "".join(
        str(unicodedata.decimal(c))
        for c in unicodedata.normalize("NFKC", phone or "")
        if unicodedata.decimal(c, None) is not None
    )
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    elif digits.startswith("0086") and len(digits) == 15:
        digits = digits[4:]
    return digits if 7 <= len(digits) <= 12 else ""


def words(text: str) -> frozenset[str]:
    return frozenset(w for w in rjieba.cut(text) if len(w) > 1 and _WORD.search(w))


def similarity(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def same_requester(requester):
    """A filter of cases for the same requester (phone or ID number), or
    None when the requester gave neither."""
    from django.db.models import Q

    identity = Q()
    if requester.phone:
        identity |= Q(requester__phone=requester.phone)
    if requester.id_number:
        identity |= Q(requester__id_number=requester.id_number)
    return identity or None


def find_likely_repeats(case):
    """Earlier cases of the same requester (phone or ID number) with
    similar content, newest first."""
    from .models import Case

    identity = same_requester(case.requester)
    if identity is None:
        return []
    earlier = Case.objects.filter(identity, received_at__lte=case.received_at)
    if case.pk is not None:
        earlier = earlier.exclude(pk=case.pk)
    earlier = earlier.order_by("-received_at")[:200]
    return [c for c in earlier if similarity(c.content, case.content) >= SIMILARITY]


def timely_reply_count(case) -> int:
    """D7: how many earlier likely repeats were closed with every reply
    given on time (each part's reply or redo clock met before it was due)."""
    from .models import Clock
    from .timeliness import LATE

    count = 0
    for earlier in find_likely_repeats(case):
        if earlier.state != "closed":
            continue
        replies = Clock.objects.filter(
            case=earlier, kind__in=("reply", "redo"), cancelled_at__isnull=True
        )
        late = replies.filter(LATE)
        if replies.exists() and not late.exists():
            count += 1
    return count
