"""What the public may see of a case (R9, D8).

Published cases never show the requester's name, phone, ID number or
address, and mobile and ID numbers inside the free text are masked; internal
cases never appear at all. The portal and the API read cases only through
here.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .models import Assignment, Case, HandlingMode

MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)")


def mask(text: str, *, names: tuple[str, ...] = (), secrets: tuple[str, ...] = ()) -> str:
    """Mask ID, mobile and landline numbers anywhere, the given names to
    their first character, and the given secrets (the requester's own
    address, phone, ID number and email) entirely."""
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "[已隐去]")
    text = ID_NUMBER.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    text = MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    text = LANDLINE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    for name in names:
        if len(name) >= 2:
            text = text.replace(name, name[0] + "*" * (len(name) - 1))
    return text


def mask_for(requester) -> Callable[[str], str]:
    """mask() hiding this requester's name and their own details."""
    names = (requester.name,)
    secrets = (requester.address, requester.phone, requester.id_number, requester.email)
    return lambda text: mask(text, names=names, secrets=secrets)


def published_cases():
    """Closed public cases whose result may be published (R9)."""
    return Case.objects.filter(state="closed", published=True, handling_mode=HandlingMode.PUBLIC)


@dataclass(frozen=True)
class PublicRecord:
    number: str
    category: str
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
    hold a thousand."""
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
            location=hide(case.location),
            content=hide(case.content),
            result=hide(case.result),
            received_at=case.received_at,
            closed_at=case.closed_at,
            units=tuple(units[case.pk]),
        )
    return found
