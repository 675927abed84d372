"""Rate limits for the public pages and Open311, counted in the cache
(Redis in production, shared by every process).

Every limit is taken atomically *before* the work it limits: `take` adds
one to the count (the cache's atomic increment) and refuses when that
passes the limit, so parallel requests cannot all see room that only one
of them has. Work that does not happen after all (a refused submission, a
query code that matched) gives its count back. The limits are settings
(HOTLINE_RATE_LIMITS: count and window in seconds per kind); addresses
are hotline.net.counted_address: the client behind trusted proxies, an
IPv6 client by its /64 (ADR 8)."""

import contextlib

from django.conf import settings
from django.core.cache import cache

from hotline.cases.repeats import normalise_phone
from hotline.net import counted_address

# Submits per address and per mobile (the portal's and Open311's together:
# each is an SMS to that mobile), per Open311 key; failed look-ups per
# address, and per address and case number (not per number alone: anyone
# could then lock a requester out of their own case); knowledge base
# searches per address.
KINDS = (
    "submit-address",
    "submit-mobile",
    "submit-key",
    "track-fail-address",
    "track-fail-number",
    "knowledge-address",
)


def address(request) -> str:
    """The client's address; an IPv6 client's /64 (hotline.net)."""
    return counted_address(request)


def mobile(phone: str) -> str:
    """One key per mobile however it is written (+86, spaces, dashes)."""
    return normalise_phone(phone) or (phone or "").strip()


def _limit(kind: str) -> tuple[int, int]:
    count, seconds = settings.HOTLINE_RATE_LIMITS[kind]
    return int(count), int(seconds)


def _name(kind: str, key: str) -> str:
    return f"portal:{kind}:{key}"


def take(kind: str, key: str) -> bool:
    """Count one for `key`; False, counting nothing, if the limit is used up."""
    limit, seconds = _limit(kind)
    name = _name(kind, key)
    for _retry in range(3):
        cache.add(name, 0, seconds)
        try:
            used = cache.incr(name)
        except ValueError:  # expired between add and incr: a new window
            continue
        if used <= limit:
            return True
        give_back(kind, key)
        return False
    return False


def give_back(kind: str, key: str) -> None:
    with contextlib.suppress(ValueError):  # the window ended meanwhile
        cache.decr(_name(kind, key))


def take_all(wanted: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """Take every (kind, key) or none: the ones taken, or None if one of
    them is used up (those taken before it are given back)."""
    taken = []
    for kind, key in wanted:
        if not take(kind, key):
            give_back_all(taken)
            return None
        taken.append((kind, key))
    return taken


def give_back_all(taken: list[tuple[str, str]]) -> None:
    for kind, key in taken:
        give_back(kind, key)
