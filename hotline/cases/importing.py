"""Historical cases from a city's old system (CSV or Excel), imported as
closed cases: the dispatch suggestions learn from them, staff find them by
search, and the units that handled them see them.

Each row is checked on its own and a bad one is reported with its row
number and the reason, in the user's language; the good ones are written
in batches (bulk inserts, a few statements per thousand rows), each case
with its part, its unit's assignment and its reply, and an `import` event
naming the file. Nobody is told anything: an imported case is history, so
no message is queued and no clock runs."""

import re
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.calendar.workdays import SHANGHAI
from hotline.organisation.models import CITY_BUREAU, Unit, User
from hotline.organisation.roster import is_administrator
from hotline.policy.models import Policy

from .changes import touch
from .errors import InvalidInput, NotAllowed, WorkflowError
from .models import (
    Assignment,
    Case,
    Category,
    Channel,
    Event,
    HandlingMode,
    Involvement,
    Part,
    Reply,
    Requester,
)
from .numbers import numbers_for_day
from .publication import mask_for
from .repeats import normalise_phone
from .request_types import REQUEST_TYPES, UNSTATED
from .search import index_text
from .sheets import Rejected, cell_text, csv_rows, named_rows, workbook_rows
from .workflow import AssignmentState, CaseState, PartState

# The headings an old system's export may use for each column.
COLUMNS = {
    "received_at": ("受理时间", "来电时间", "登记时间", "received_at", "received"),
    "content": ("诉求内容", "内容", "来电内容", "content"),
    "location": ("地点", "发生地点", "事发地点", "location"),
    "category": ("类别", "诉求类别", "分类", "category"),
    "unit": ("承办单位", "办理单位", "责任单位", "unit"),
    "reply": ("答复", "答复内容", "办理结果", "reply"),
    "phone": ("电话", "来电号码", "联系电话", "phone"),
    "name": ("姓名", "诉求人", "name"),
    "channel": ("渠道", "来源", "channel"),
    "closed_at": ("办结时间", "closed_at", "closed"),
}
REQUIRED = ("received_at", "content", "unit", "reply")
CHANNELS = {
    "电话": Channel.PHONE,
    "12345": Channel.PHONE,
    "传真": Channel.FAX,
    "短信": Channel.SMS,
    "网站": Channel.WEB,
    "网络": Channel.WEB,
    "网上": Channel.WEB,
    "邮件": Channel.EMAIL,
    "电子邮件": Channel.EMAIL,
    **{c.value: c.value for c in Channel},
}
BATCH = 2_000
EARLIEST_YEAR = 1900
MOMENT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})秒?)?)?"
)


@dataclass
class Report:
    imported: int = 0
    rejected: list[Rejected] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    received_at: datetime
    closed_at: datetime
    content: str
    location: str
    category: Category | None
    unit: Unit
    reply: str
    phone: str
    name: str
    channel: str


def _moment(value, heading: str) -> datetime | None:
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif hasattr(value, "year"):  # a date cell
        moment = datetime.combine(value, time(0, 0))
    else:
        found = MOMENT.fullmatch(cell_text(value))
        try:
            moment = datetime(*(int(p or 0) for p in found.groups())) if found else None
        except ValueError:
            moment = None
    # Year 1 is a date to Python but not once in UTC: no hotline's history.
    if moment is None or moment.year < EARLIEST_YEAR:
        raise InvalidInput(
            _("%(heading)s “%(value)s” is not a time (write it as 2024-03-05 14:30).")
            % {"heading": heading, "value": cell_text(value)}
        )
    return timezone.make_aware(moment, SHANGHAI) if timezone.is_naive(moment) else moment


def _rows(source, name: str):
    rows = workbook_rows(source) if name.lower().endswith(".xlsx") else csv_rows(source)
    return named_rows(rows, COLUMNS, REQUIRED)


class _Lookup:
    """Units by name or alias, categories by name or code, read once."""

    def __init__(self):
        self.units: dict[str, Unit | None] = {}
        for unit in Unit.objects.filter(is_active=True):
            for word in (unit.name, *unit.alias_list):
                # An alias two units share names neither.
                self.units[word] = unit if self.units.get(word, unit) == unit else None
        self.categories = {}
        for category in Category.objects.filter(is_active=True):
            self.categories[category.code] = self.categories[category.name] = category

    def unit(self, name: str) -> Unit:
        if not name:
            raise InvalidInput(_("The handling unit (承办单位) is missing."))
        unit = self.units.get(name)
        if unit is None:
            if name in self.units:
                raise InvalidInput(
                    _("“%(name)s” names more than one unit: write the unit's full name.")
                    % {"name": name}
                )
            raise InvalidInput(_("No unit is called “%(name)s”.") % {"name": name})
        return unit

    def category(self, name: str) -> Category | None:
        if not name:
            return None
        if name not in self.categories:
            raise InvalidInput(_("No category is called “%(name)s”.") % {"name": name})
        return self.categories[name]


def _checked(number: int, cells: dict, lookup: _Lookup, now: datetime) -> _Row:
    received_at = _moment(cells.get("received_at"), "受理时间")
    if received_at is None:
        raise InvalidInput(_("The time received (受理时间) is missing."))
    if received_at > now:
        raise InvalidInput(_("The time received cannot be in the future."))
    closed_at = _moment(cells.get("closed_at"), "办结时间") or received_at
    if closed_at < received_at:
        raise InvalidInput(_("The case cannot be closed before it was received."))
    content = cell_text(cells.get("content"))
    if not content:
        raise InvalidInput(_("The content (诉求内容) is missing."))
    reply = cell_text(cells.get("reply"))
    if not reply:
        raise InvalidInput(_("The reply (答复) is missing."))
    location = cell_text(cells.get("location"))
    if len(location) > Case._meta.get_field("location").max_length:
        raise InvalidInput(_("The location is too long."))
    phone_given = cell_text(cells.get("phone"))
    phone = normalise_phone(phone_given)
    if phone_given and not phone:
        raise InvalidInput(_("This phone number is not valid."))
    channel_given = cell_text(cells.get("channel"))
    channel = CHANNELS.get(channel_given or Channel.PHONE)
    if channel is None:
        raise InvalidInput(_("No channel is called “%(name)s”.") % {"name": channel_given})
    name = cell_text(cells.get("name"))
    if len(name) > Requester._meta.get_field("name").max_length:
        raise InvalidInput(_("The name is too long."))
    return _Row(
        number=number,
        received_at=received_at,
        closed_at=closed_at,
        content=content,
        location=location,
        category=lookup.category(cell_text(cells.get("category"))),
        unit=lookup.unit(cell_text(cells.get("unit"))),
        reply=reply,
        phone=phone,
        name=name,
        channel=channel,
    )


def _policies():
    """The policy in force on a day; history older than every policy is
    kept under the first one (its periods are not counted for it)."""
    policies = list(Policy.objects.order_by("effective_on"))
    if not policies:
        raise InvalidInput(_("No policy is in force on the day received."))

    def in_force(day):
        found = policies[0]
        for policy in policies:
            if policy.effective_on <= day:
                found = policy
        return found

    return in_force


@transaction.atomic
def _write(rows: list[_Row], *, actor: User, file_name: str, policy_on, now: datetime) -> None:
    bureau = CITY_BUREAU.get()
    request_type = REQUEST_TYPES.get()[UNSTATED]
    numbers: dict = {}
    by_day: dict = {}
    for row in rows:
        by_day.setdefault(timezone.localtime(row.received_at, SHANGHAI).date(), []).append(row)
    for day, on_day in by_day.items():
        numbers.update(zip(map(id, on_day), numbers_for_day(day, len(on_day)), strict=True))
    requesters = Requester.objects.bulk_create(
        [Requester(name=r.name, phone=r.phone) for r in rows], batch_size=BATCH
    )
    cases = []
    for row, person in zip(rows, requesters, strict=True):
        masked = mask_for(person)
        cases.append(
            Case(
                number=numbers[id(row)],
                channel=row.channel,
                requester=person,
                content=row.content,
                location=row.location,
                category=row.category,
                request_type=request_type,
                # The old system's requesters were never asked about
                # publication here: their cases stay off the public pages.
                disclosure_allowed=False,
                received_at=row.received_at,
                policy=policy_on(timezone.localtime(row.received_at, SHANGHAI).date()),
                state=CaseState.CLOSED,
                handling_mode=HandlingMode.PUBLIC,
                result=row.reply,
                closed_at=row.closed_at,
                search_text=index_text(masked(row.content), masked(row.location)),
            )
        )
    cases = Case.objects.bulk_create(cases, batch_size=BATCH)
    parts = Part.objects.bulk_create(
        [
            Part(
                case=case,
                number=1,
                holder_bureau=bureau,
                state=PartState.APPROVED,
                received_at=row.received_at,
            )
            for row, case in zip(rows, cases, strict=True)
        ],
        batch_size=BATCH,
    )
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                part=part,
                case=case,
                unit=row.unit,
                role=Assignment.AssignmentRole.SOLE,
                dispatched_by=bureau,
                dispatched_at=row.received_at,
                state=AssignmentState.DONE,
            )
            for row, case, part in zip(rows, cases, parts, strict=True)
        ],
        batch_size=BATCH,
    )
    Reply.objects.bulk_create(
        [
            Reply(
                assignment=assignment,
                content=row.reply,
                drafted_by=actor,
                drafted_at=row.closed_at,
                approved_at=row.closed_at,
                reviewing_bureau=bureau,
                review_decision="approved",
                reviewed_at=row.closed_at,
            )
            for row, assignment in zip(rows, assignments, strict=True)
        ],
        batch_size=BATCH,
    )
    # The unit that handled it sees it; the city bureau sees every case.
    Involvement.objects.bulk_create(
        [Involvement(case=case, unit=row.unit) for row, case in zip(rows, cases, strict=True)],
        batch_size=BATCH,
    )
    Event.objects.bulk_create(
        [
            Event(
                case=case,
                action="import",
                actor=actor,
                at=now,
                details={"file": file_name, "row": row.number},
            )
            for row, case in zip(rows, cases, strict=True)
        ],
        batch_size=BATCH,
    )
    # The days these cases came in count them now.
    touch(*{r.received_at for r in rows})


def import_cases(source, *, actor: User, file_name: str, progress=None) -> Report:
    """An administrator imports a file of historical cases (.csv or .xlsx,
    by its name): every good row becomes a closed case, every bad one is
    reported. Batches are committed as they go, so a long import that
    stops keeps what it wrote; each row's event names the file and row.
    `progress(report)` is called after each batch."""
    if not is_administrator(actor):
        raise NotAllowed(_("Only an administrator may import historical cases."))
    report = Report()
    lookup = _Lookup()
    policy_on = _policies()
    now = timezone.now()
    batch: list[_Row] = []
    rows_seen: dict[int, int] = {}  # a row's key's hash -> its row number

    def write():
        fresh = _not_imported_yet(batch, report)
        if fresh:
            _write(fresh, actor=actor, file_name=file_name, policy_on=policy_on, now=now)
        report.imported += len(fresh)

    for number, cells in _rows(source, file_name):
        try:
            row = _checked(number, cells, lookup, now)
        except WorkflowError as error:
            report.rejected.append(Rejected(number, error.message))
            continue
        earlier = rows_seen.setdefault(hash(_key(row)), number)
        if earlier != number:
            report.rejected.append(
                Rejected(number, _("This row repeats row %(row)s.") % {"row": earlier})
            )
            continue
        batch.append(row)
        if len(batch) == BATCH:
            write()
            batch = []
            if progress is not None:
                progress(report)
    if batch:
        write()
    report.rejected.sort(key=lambda r: r.row)
    return report


def _key(row: _Row) -> tuple:
    """What makes two rows one request: the time, the words and the number."""
    return (row.received_at, row.content, row.phone)


def _not_imported_yet(batch: list[_Row], report: Report) -> list[_Row]:
    """The batch's rows not in the database already (an import run again
    after it stopped, or the same file twice); the others reported."""
    there = {
        (received_at, content, phone or ""): number
        for received_at, content, phone, number in Case.objects.filter(
            received_at__in={r.received_at for r in batch}
        ).values_list("received_at", "content", "requester__phone", "number")
    }
    fresh = []
    for row in batch:
        number = there.get(_key(row))
        if number is None:
            fresh.append(row)
        else:
            report.rejected.append(
                Rejected(
                    row.number,
                    _("This row was imported already, as case %(number)s.") % {"number": number},
                )
            )
    return fresh
