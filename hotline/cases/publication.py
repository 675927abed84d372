"""What the public may see of a case (R9, D8).

Published cases never show the requester's name, phone, ID number or
address, and personal numbers and e-mail addresses inside the free text are
masked, however they are written (hotline.cases.masking); internal cases
never appear at all. The portal and the API read cases only through
here.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Max

from .masking import Masker, mask
from .models import Assignment, Case, Event, HandlingMode

# What public pages read is the same for everyone, and kept in the cache
# under the latest event that published or withdrew a case, so either shows
# at once. Renamed units and categories, and a changed mask, show within
# this many seconds.
PUBLIC_CACHE_SECONDS = 600
PUBLISHING = ("close", "reopen")

__all__ = ["PublicRecord", "mask", "mask_for", "public_record", "public_records", "published_cases"]


def mask_for(requester) -> Callable[[str], str]:
    """mask() hiding this requester's name and their own details, in every
    spelling hotline.cases.masking can derive (D8)."""
    return Masker(
        names=(requester.name,),
        phones=(requester.phone,),
        id_numbers=(requester.id_number,),
        emails=(requester.email,),
        addresses=(requester.address,),
    )


def published_cases():
    """Closed public cases whose result may be published (R9)."""
    return Case.objects.filter(state="closed", published=True, handling_mode=HandlingMode.PUBLIC)


@dataclass(frozen=True)
class PublicRecord:
    number: str
    category: str
    request_type: str  # N1, by name
    location: str
    content: str
    result: str
    received_at: datetime
    closed_at: datetime
    units: tuple[str, ...]


def public_record(case: Case) -> PublicRecord:
    """The published form of a case; refuses anything not published."""
    if not published_cases().filter(pk=case.pk).exists():
        raise LookupError("this case is not published")
    return public_records([case])[case.pk]


def public_records(cases: list[Case]) -> dict[int, PublicRecord]:
    """The published form of each case (the caller has checked that they
    are published), by id, with one query for all their units: a list may
    hold a thousand. The caller reads the cases with their category and
    request type."""
    units = defaultdict(list)
    for case_id, name in (
        Assignment.objects.filter(case__in=cases)
        .exclude(state="withdrawn")
        .order_by("case", "part__number", "id")
        .values_list("case_id", "unit__name")
    ):
        units[case_id].append(name)
    found = {}
    for case in cases:
        hide = mask_for(case.requester)
        found[case.pk] = PublicRecord(
            number=case.number,
            category=case.category.name if case.category else "",
            request_type=case.request_type.name,
            location=hide(case.location),
            content=hide(case.content),
            result=hide(case.result),
            received_at=case.received_at,
            closed_at=case.closed_at,
            units=tuple(units[case.pk]),
        )
    return found


def publication_mark() -> int:
    """Moves whenever a case is published or withdrawn (closed or reopened):
    the latest such event, read from its own small index."""
    return Event.objects.filter(action__in=PUBLISHING).aggregate(m=Max("id"))["m"] or 0


def kept_for_the_public(name: str, key, compute: Callable, mark: int | None = None):
    """What `compute()` returns for the public page `name` and its `key`,
    from the cache while no case has been published or withdrawn since;
    None (a page that does not exist) is never kept."""
    mark = publication_mark() if mark is None else mark
    digest = hashlib.sha256(repr((name, key, mark)).encode()).hexdigest()
    found = cache.get(f"public:{digest}")
    if found is None:
        found = compute()
        if found is not None:
            cache.set(f"public:{digest}", found, PUBLIC_CACHE_SECONDS)
    return found
