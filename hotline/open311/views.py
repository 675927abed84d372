"""Open311 GeoReport v2 (/open311/v2/): thin views over the categories,
the published cases and the online submission verb. The format comes from
the extension (`services.json`, `requests.xml`); answers are in English,
as the specification is."""

import hashlib
import re
from datetime import UTC, datetime, time, timedelta
from functools import wraps

from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.http import HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from hotline.api.tokens import authenticate, record_submission
from hotline.calendar.workdays import SHANGHAI
from hotline.cases import actions
from hotline.cases.actions import RequesterDetails
from hotline.cases.errors import WorkflowError
from hotline.cases.models import Case, Category, Channel, Requester
from hotline.cases.publication import kept_for_the_public, publication_mark
from hotline.portal import throttle

from . import records
from .formats import errors, render

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint last changed in a way a client would notice.
CHANGESET = "2026-11-26T00:00:00+08:00"
# GET requests: "a span of 90 days or first 1000 requests, whichever is smallest".
WINDOW = timedelta(days=90)
LIMIT = 1000
DESCRIPTION_LENGTH = 4000  # the specification's limit on description
LOCATION_LENGTH = Case._meta.get_field("location").max_length
NAME_LENGTH = Requester._meta.get_field("name").max_length
EMAIL_LENGTH = Requester._meta.get_field("email").max_length
# Filters outside these years are refused: the 90-day window around them
# or their time in UTC would fall off the calendar (an OverflowError).
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC)
NUL = "The NUL character is not allowed."
ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
CJK = re.compile(r"[\u3400-\u9fff]")


def _has_nul(request) -> bool:
    """PostgreSQL cannot take the NUL character in a query: refused as a
    bad request here rather than failing there (a 500)."""
    data = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    values = [request.path, *(v for d in data for _key, vs in d.lists() for v in vs)]
    return any("\x00" in v for v in values)


def reads(view):
    """GET (and HEAD) only; anything else is refused in the caller's format."""

    @wraps(view)
    def wrapper(request, *args, fmt, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return errors(fmt, 405, f"{request.method} is not supported here.")
        if _has_nul(request):
            return errors(fmt, 400, NUL)
        return view(request, *args, fmt=fmt, **kwargs)

    return wrapper


@reads
def discovery(request, fmt):
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": request.build_absolute_uri("/portal/"),
            "key_service": (
                "API keys are issued by the hotline's administrators; a key may post "
                "requests when it allows the action submit_online."
            ),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": request.build_absolute_uri("/open311/v2"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@reads
def services(request, fmt):
    return render(fmt, "services", [records.service(c) for c in records.services()])


@reads
def service_definition(request, code, fmt):
    category = records.services().filter(code=code).first()
    if category is None:
        return errors(fmt, 404, f"service_code {code} was not found.")
    return render(fmt, "service_definition", records.definition(category))


@reads
def service_request(request, number, fmt):
    found = records.by_ids([number])
    if not found:
        return errors(fmt, 404, f"service_request_id {number} was not found.")
    return render(fmt, "service_requests", found)


@csrf_exempt  # machine to machine: the api_key is the credential, not a cookie
def service_requests(request, fmt):
    if request.method == "POST":
        try:
            request.POST  # noqa: B018 -- read here, where a refusal can take our format
        except SuspiciousOperation:  # over DATA_UPLOAD_MAX_MEMORY_SIZE, or too many fields
            return errors(fmt, 400, "The request is too large.")
        return _create(request, fmt)
    if request.method not in ("GET", "HEAD"):
        return errors(fmt, 405, f"{request.method} is not supported here.")
    if _has_nul(request):
        return errors(fmt, 400, NUL)
    query = request.GET
    numbers = _list(query.get("service_request_id"))
    if numbers:  # "this overrides all other arguments"
        return render(fmt, "service_requests", records.by_ids(numbers[:LIMIT]))
    problems = []
    codes = _list(query.get("service_code"))
    known = Category.objects.filter(code__in=codes).values_list("code", flat=True)
    unknown = sorted(set(codes) - set(known))
    if unknown:
        problems.append(f"service_code {', '.join(unknown)} was not found.")
    statuses = _list(query.get("status"))
    if set(statuses) - {"open", "closed"}:
        problems.append("status must be open, closed or both, comma delimited.")
    limit = _limit(query.get("limit", ""), problems)
    start, end = _moment(query, "start_date", problems), _moment(query, "end_date", problems)
    if start and end and not timedelta(0) <= end - start <= WINDOW:
        problems.append("end_date must follow start_date by no more than 90 days.")
    if problems:
        return errors(fmt, 400, *problems)
    if start is None:
        # The last 90 days to the end of this minute: clients polling
        # within a minute share one answer.
        end = end or (timezone.now() + timedelta(minutes=1)).replace(second=0, microsecond=0)
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    key = (start.isoformat(), end.isoformat(), sorted(codes), sorted(statuses), limit)
    mark = publication_mark()
    tag = '"' + hashlib.sha256(repr((fmt, key, mark)).encode()).hexdigest()[:32] + '"'
    if tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        unchanged = HttpResponseNotModified()
        unchanged["ETag"] = tag
        return unchanged
    found = kept_for_the_public(
        "open311",
        key,
        lambda: records.listed(start=start, end=end, codes=codes, statuses=statuses, limit=limit),
        mark=mark,
    )
    response = render(fmt, "service_requests", found)
    response["ETag"] = tag
    return response


def _limit(value: str, problems: list[str]) -> int:
    """How many requests a list answers: `limit`, 1 to LIMIT (LIMIT if absent)."""
    value = value.strip()
    if not value:
        return LIMIT
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= LIMIT:
        problems.append(f"limit must be a whole number from 1 to {LIMIT}.")
        return LIMIT
    return int(value)


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _moment(query, name: str, problems: list[str]) -> datetime | None:
    """A W3C date-time; one without an offset, or a bare date, is Fuzhou time."""
    value = query.get(name, "").strip()
    if not value:
        return None
    # An offset sent unescaped arrives with its "+" read as a space.
    value = re.sub(r" (\d\d:?\d\d)$", r"+\1", value)
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.combine(day, time())
    except ValueError:
        moment = None
    if moment is None:
        problems.append(f"{name} must be a W3C date-time such as 2026-11-01T00:00:00+08:00.")
        return None
    moment = moment if timezone.is_aware(moment) else moment.replace(tzinfo=SHANGHAI)
    if not EARLIEST <= moment < LATEST:
        problems.append(f"{name} is out of range: give a year from 1900 to 8999.")
        return None
    return moment


def _create(request, fmt):
    if _has_nul(request):
        return errors(fmt, 400, NUL)
    data = request.POST
    token = authenticate(data.get("api_key", ""))
    if token is None:
        return errors(fmt, 403, "Missing or invalid api_key.")
    if not token.allows("submit_online"):
        return errors(fmt, 403, "This api_key may not post service requests.")
    code = data.get("service_code", "").strip()
    if not code:
        return errors(fmt, 400, "service_code was not provided.")
    category = records.services().filter(code=code).first()
    if category is None:
        return errors(fmt, 404, f"service_code {code} was not found.")
    problems = []
    location = _location(data, problems)
    disclosure = _disclosure(data, problems)
    content = data.get("description", "").strip()
    if len(content) > DESCRIPTION_LENGTH:
        problems.append(f"description is limited to {DESCRIPTION_LENGTH} characters.")
    media_url = data.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            problems.append("media_url must be an http or https URL.")
        else:  # kept for the handler to open; a link is never fetched by the server
            content = f"{content}\n{media_url}".strip()
    email = data.get("email", "").strip()
    if len(email) > EMAIL_LENGTH:
        problems.append(f"email is limited to {EMAIL_LENGTH} characters.")
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append("email is not a valid email address.")
    name = _name(data.get("first_name", ""), data.get("last_name", ""))
    if len(name) > NAME_LENGTH:
        problems.append(f"first_name and last_name are limited to {NAME_LENGTH} characters.")
    if problems:
        return errors(fmt, 400, *problems)
    # Per key and per mobile (each post sends that mobile an SMS), taken
    # atomically before the case is made (hotline.portal.throttle).
    taken = throttle.take_all(
        [("submit-key", str(token.pk)), ("submit-mobile", throttle.mobile(data.get("phone", "")))]
    )
    if taken is None:
        return errors(fmt, 429, "Too many requests for this api_key or phone; try again later.")
    try:
        with translation.override("en"), transaction.atomic():
            case = actions.submit_online(
                requester=RequesterDetails(name=name, phone=data.get("phone", ""), email=email),
                content=content,
                location=location,
                category=category,
                disclosure_allowed=disclosure,
                channel=Channel.API,
            )
            record_submission(token, case)  # what this key may read back (docs/api.md)
    except WorkflowError as error:
        throttle.give_back_all(taken)
        return errors(fmt, 400, error.message)
    return render(
        fmt,
        "service_requests",
        [{"service_request_id": case.number, "service_notice": None, "account_id": None}],
    )


def _location(data, problems: list[str]) -> str:
    """The place as text: the address, then the coordinates if given."""
    address = data.get("address_string", "").strip()
    lat, long = data.get("lat", "").strip(), data.get("long", "").strip()
    where = [address] if address else []
    if lat or long:
        try:
            latitude, longitude = float(lat), float(long)
        except ValueError:
            latitude = longitude = None
        if latitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            problems.append("lat and long must both be given as WGS84 degrees.")
        else:
            where.append(f"{latitude:.6f},{longitude:.6f}")
    if not where and not problems:
        if data.get("address_id", "").strip():
            problems.append("address_id is not supported; give address_string, or lat and long.")
        else:
            problems.append("A location is required: address_string, or lat and long.")
    location = " ".join(where)
    if len(location) > LOCATION_LENGTH:
        problems.append(f"The location is limited to {LOCATION_LENGTH} characters.")
    return location


def _disclosure(data, problems: list[str]) -> bool:
    unknown = []
    for key in data:
        match = ATTRIBUTE.match(key)
        if match and match.group(1) != records.DISCLOSURE:
            unknown.append(match.group(1))
    if unknown:
        problems.append(f"Unknown attribute: {', '.join(sorted(unknown))}.")
    value = data.get(f"attribute[{records.DISCLOSURE}]", "").strip()
    if value not in records.DISCLOSURE_VALUES:
        problems.append(f"attribute[{records.DISCLOSURE}] is required: yes or no.")
        return False
    return records.DISCLOSURE_VALUES[value]


def _name(first: str, last: str) -> str:
    """Family name first and joined when written in Chinese; else first last."""
    first, last = first.strip(), last.strip()
    if CJK.search(first + last):
        return last + first
    return " ".join(p for p in (first, last) if p)


def not_found(request, rest=""):
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return errors(fmt, 404, "There is no such Open311 resource.")
