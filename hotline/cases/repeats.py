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


# N4: requests about one matter come from different people in their own
# words ("五四路水管爆了", "自来水管破裂，路面积水"), so they share fewer words
# than one person repeating themselves; the place and the category weigh in.
MATTER_SIMILARITY = 0.2
SAME_PLACE = 0.5
# The merge window is this many early-warning windows either side of the
# case (N10's cluster_window_hours, 2 hours by default: a day in all), so a
# matter reported through the evening is still one matter next morning.
MERGE_WINDOWS = 6
# The most cases a candidate search reads: one statement, whatever comes of it.
CANDIDATES_READ = 200


def same_place(a: str, b: str) -> bool:
    """Locations naming the same place: most of the shorter one's words
    ("鼓楼区", "五四路") are in the other."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= SAME_PLACE


def matter_score(case, other) -> float | None:
    """How likely `other` is about the same matter as `case` (N4), or None
    when it is not: similar words, or the same place and category."""
    text = similarity(case.content, other.content)
    place = same_place(case.location, other.location)
    category = case.category_id is not None and case.category_id == other.category_id
    if text < MATTER_SIMILARITY and not (place and category):
        return None
    return text + (0.5 if place else 0.0) + (0.25 if category else 0.0)


def merge_candidates(case, limit: int = 50) -> list:
    """N4: the open cases a bureau could merge into `case` (or `case` into):
    received near it, not yet dispatched nor merged, and about the same
    matter (matter_score), best first. One statement, with the requesters."""
    from datetime import timedelta

    from django.db.models import Exists, OuterRef

    from .models import Assignment, Case

    window = timedelta(hours=case.policy.cluster_window_hours * MERGE_WINDOWS)
    rows = (
        Case.objects.filter(
            state__in=("screening", "dispatching"),
            received_at__gte=case.received_at - window,
            received_at__lte=case.received_at + window,
        )
        .exclude(pk=case.pk)
        .exclude(Exists(Assignment.objects.filter(case_id=OuterRef("pk"))))
        .exclude(Exists(Case.objects.filter(merged_into_id=OuterRef("pk"))))
        .select_related("requester")
        .order_by("-received_at")[:CANDIDATES_READ]
    )
    from .actions.merging import handling_mode_of, modes_clash

    mode = handling_mode_of(case)
    scored = [
        (score, c)
        for c in rows
        if not modes_clash(mode, handling_mode_of(c))
        and (score := matter_score(case, c)) is not None
    ]
    scored.sort(key=lambda sc: (-sc[0], sc[1].received_at))
    return [c for _score, c in scored[:limit]]
