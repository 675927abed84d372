"""What Open311 shows of categories and cases (R9, D8).

A case appears in full only as the portal publishes it
(`hotline.cases.publication`): closed, published, handled publicly, with
the requester's details masked. One more kind may be read back by its id
alone: a case an integration submitted online whose requester allowed
publication and that is not handled internally. Open311 clients read back
what they posted without a key, so such a case shows only its status,
service and times; its words and any result stay hidden until published.
"""

from datetime import datetime

from django.db.models import Max, Q

from hotline.calendar.workdays import SHANGHAI
from hotline.cases.models import Case, Category, Channel, HandlingMode
from hotline.cases.publication import PublicRecord, public_records, published_cases
from hotline.cases.workflow import FINISHED_CASE_STATES

# Every service asks this (R6(4), R9): the requester's choice, never a default.
DISCLOSURE = "disclosure_allowed"
DISCLOSURE_VALUES = {"yes": True, "no": False}


def w3(at: datetime | None) -> str | None:
    """W3C date-time with Fuzhou's offset, e.g. 2026-11-26T10:00:00+08:00."""
    if at is None:
        return None
    return at.astimezone(SHANGHAI).isoformat(timespec="seconds")


def status(case: Case) -> str:
    # Open311 knows two statuses; a refused or declined case is finished too.
    return "closed" if case.state in FINISHED_CASE_STATES else "open"


def services():
    return Category.objects.filter(is_active=True)


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": None,
        "metadata": True,
        "type": "realtime",
        "keywords": None,
        "group": None,
    }


def definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": DISCLOSURE,
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": None,
                "order": 1,
                "description": (
                    "May the request and its reply be published, without the "
                    "requester's details? If not, it is handled internally."
                ),
                "values": [
                    {"key": "yes", "name": "Yes, it may be published"},
                    {"key": "no", "name": "No, handle it internally"},
                ],
            }
        ],
    }


def _record(case: Case, **shown) -> dict:
    category = case.category
    return {
        "service_request_id": case.number,
        "status": status(case),
        "status_notes": None,
        "service_name": category.name if category else None,
        "service_code": category.code if category else None,
        "description": None,
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": w3(case.received_at),
        "updated_datetime": None,
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
        **shown,
    }


def published(case: Case, r: PublicRecord) -> dict:
    """A published case: what the portal's page of it shows, nothing more."""
    return _record(
        case,
        status_notes=r.result or None,
        description=r.content,
        agency_responsible="、".join(r.units) or None,
        updated_datetime=w3(r.closed_at),
        address=r.location or None,
    )


def submitted(case: Case) -> dict:
    """A case posted online and not yet published: status, service, times."""
    return _record(case, updated_datetime=w3(case.closed_at or case.last_event_at))


def listed(*, start: datetime, end: datetime, codes=(), statuses=(), limit: int):
    """GET requests: published cases received in the window, newest first."""
    cases = published_cases().filter(received_at__gte=start, received_at__lte=end)
    if codes:
        cases = cases.filter(category__code__in=codes)
    if set(statuses) == {"closed"}:
        cases = cases.filter(state__in=FINISHED_CASE_STATES)
    elif set(statuses) == {"open"}:
        cases = cases.exclude(state__in=FINISHED_CASE_STATES)
    cases = list(
        cases.select_related("category", "requester", "request_type").order_by(
            "-received_at", "-id"
        )[:limit]
    )
    shown = public_records(cases)
    return [published(c, shown[c.pk]) for c in cases]


def by_ids(numbers: list[str]) -> list[dict]:
    """Cases read back by their numbers, in the order asked; a number that
    may not be shown is left out as if it did not exist."""
    shown = set(published_cases().filter(number__in=numbers).values_list("pk", flat=True))
    posted_online = Q(channel=Channel.API, disclosure_allowed=True) & ~Q(
        handling_mode=HandlingMode.INTERNAL
    )
    found = {
        c.number: c
        for c in Case.objects.filter(Q(pk__in=shown) | posted_online, number__in=numbers)
        .select_related("category", "requester", "request_type")
        .annotate(last_event_at=Max("events__at"))
    }
    public = public_records([c for c in found.values() if c.pk in shown])
    return [
        published(found[n], public[found[n].pk]) if found[n].pk in shown else submitted(found[n])
        for n in dict.fromkeys(numbers)
        if n in found
    ]
