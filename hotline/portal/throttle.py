"""Rate limits for the public pages, counted in the cache (Redis in
production, shared by every process)."""

from django.core.cache import cache

HOUR = 3600

# Submits per address and per mobile; failed look-ups per address, and per
# address and case number (not per number alone: anyone could then lock a
# requester out of their own case).
LIMITS = {
    "submit-address": 10,
    "submit-mobile": 3,
    "track-fail-address": 20,
    "track-fail-number": 10,
}


def address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def exceeded(kind: str, key: str) -> bool:
    return (cache.get(f"portal:{kind}:{key}") or 0) >= LIMITS[kind]


def count(kind: str, key: str) -> None:
    name = f"portal:{kind}:{key}"
    cache.add(name, 0, HOUR)
    cache.incr(name)
