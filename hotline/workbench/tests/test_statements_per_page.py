"""Each page sends as many statements for a few rows as for many (issue 14).

Every test reads a page with a few rows shown, adds more rows of the same
kind and reads it again: the number of statements must not move. A page
that reads something per row (an N+1) fails here, not in production with
a thousand rows. Public pages are kept in the cache
(hotline.cases.publication.kept_for_the_public): the cache is emptied
before each counted request, so the reading is counted, not the keeping."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hotline.api.tokens import issue_token
from hotline.cases import actions
from hotline.cases.actions import RequesterDetails
from hotline.cases.clocks import breach_due_clocks
from hotline.cases.models import Category
from hotline.cases.tests.conftest import staff, unit
from hotline.notifications.inbound import receive
from hotline.organisation.acting import SESSION_KEY
from hotline.organisation.models import User
from hotline.supervision.rules import decide_warning, propose_warnings

pytestmark = pytest.mark.django_db

CITY_BUREAU = "福州市信访局"
CGW = "福州市城市管理委员会"
EFFICIENCY_OFFICE = "福州市效能办"
# City departments, each a row of the supervisors' tables.
DEPARTMENTS = [
    "福州市城市管理委员会",
    "福州市生态环境局",
    "福州市城乡建设局",
    "福州市交通运输局",
    "福州市水利局",
    "福州市市场监督管理局",
]
FEW, MORE = 2, 6
NOVEMBER = date(2026, 11, 1)


def acting_as(client: Client, username: str, unit_name: str, role: str) -> Client:
    """Logged in and acting in `unit_name` as `role`, as the switch menu
    leaves the session (hotline.organisation.acting)."""
    client.force_login(User.objects.get(username=username))
    session = client.session
    session[SESSION_KEY] = f"{unit(unit_name).pk}:{role}"
    session.save()
    return client


def statements(client: Client, path: str, params=None, **headers) -> tuple[int, str]:
    """The statements one GET of `path` sends, and the page it answers.

    Read once before it is counted: what a process reads once and keeps
    (the reference data's copies, a token's last use) is not a page's."""
    client.get(path, params or {}, headers=headers)
    cache.clear()  # counted as read, not as kept
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {}, headers=headers)
    assert response.status_code == 200, response.content[:500]
    return len(captured), response.content.decode()


def same_for_few_and_many(client, path, grow, params=None, **headers) -> int:
    """grow(n) adds n rows and returns what identifies each on the page."""
    shown = grow(FEW)
    few, page = statements(client, path, params, **headers)
    assert all(s in page for s in shown)
    shown += grow(MORE - FEW)
    many, page = statements(client, path, params, **headers)
    assert all(s in page for s in shown)
    assert many == few, f"{path}: {few} statements with {FEW} rows, {many} with {MORE}"
    return few


def published(flow, content="小区门口路灯损坏一个月无人维修。", **kw):
    """A case closed publicly, and so on the public pages."""
    assignment = flow.to(flow.phone_case(content=content, **kw), CGW)
    flow.handle(assignment, reply="已更换损坏的路灯。")
    flow.review(assignment.part)
    return flow.close(assignment.case)


def test_the_busiest_units_queue(client, clock, flow):
    """Issue 14: a city department's handler's queue (/), its received
    assignments to read."""
    clock("2026-11-26 10:00")

    def grow(n):
        return [flow.to(flow.phone_case(), CGW).case.number for _ in range(n)]

    acting_as(client, "city_handler", CGW, "handler")
    same_for_few_and_many(client, "/", grow)


def test_the_city_dispatchers_queue(client, clock, flow):
    """Issue 14: the city dispatcher's queue (/), cases to screen and cases
    accepted and waiting to be dispatched."""
    clock("2026-11-26 10:00")

    def grow(n):
        numbers = []
        for i in range(n):
            case = flow.phone_case()
            if i % 2:
                flow.accept(case)
            numbers.append(case.number)
        return numbers

    acting_as(client, "city_dispatcher", CITY_BUREAU, "dispatcher")
    same_for_few_and_many(client, "/", grow)


def _cases(flow, n):
    numbers = []
    for i in range(n):
        case = flow.phone_case() if i % 2 else flow.web_case()
        if i % 3 == 2:
            flow.to(case, CGW)
        numbers.append(case.number)
    return numbers


def test_the_case_list(client, clock, flow):
    """Issue 14: /cases/, cases at several stages."""
    clock("2026-11-26 10:00")
    acting_as(client, "city_dispatcher", CITY_BUREAU, "dispatcher")
    same_for_few_and_many(client, "/cases/", lambda n: _cases(flow, n))


def test_the_case_list_filtered(client, clock, flow):
    """Issue 14: /cases/ narrowed by a channel and a full-text search."""
    clock("2026-11-26 10:00")
    acting_as(client, "city_dispatcher", CITY_BUREAU, "dispatcher")

    def grow(n):
        return [flow.phone_case().number for _ in range(n)]

    same_for_few_and_many(client, "/cases/", grow, {"channel": "phone", "q": "施工噪音"})


@pytest.mark.parametrize(
    ("username", "unit_name", "role"),
    [("city_handler", CGW, "handler"), ("city_reviewer", CITY_BUREAU, "reviewer")],
)
def test_a_case_page_whose_timeline_grows(client, clock, flow, username, unit_name, role):
    """Issue 14: /cases/<number>/ of a case sent back for a redo again and
    again: its timeline, replies and deadlines grow, what the reader may do
    stays the same."""
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    flow.handle(assignment)
    handler, leader = staff(CGW, "handler"), staff(CGW, "leader")
    reasons = []

    def grow(n):
        for _ in range(n):
            reasons.append(f"第{len(reasons) + 1}次退回：未答复诉求。")
            flow.review(assignment.part, approve=False, reasons=reasons[-1])
            actions.draft_reply(actor=handler, assignment=assignment, content="已重新核实。")
            actions.approve_reply(actor=leader, assignment=assignment)
        return list(reasons)

    acting_as(client, username, unit_name, role)
    same_for_few_and_many(client, f"/cases/{assignment.case.number}/", grow)


def test_a_case_page_with_the_requesters_messages(client, clock, flow):
    """Issue 14: /cases/<number>/ with the requester's messages threaded
    into its timeline."""
    clock("2026-11-26 10:00")
    case = flow.to(flow.phone_case(), CGW).case
    sent = []

    def grow(n):
        for _ in range(n):
            sent.append(f"第{len(sent) + 1}次催问，噪音仍在。")
            receive(
                channel="sms", external_id=f"sms-{len(sent)}", sender="13805912345", text=sent[-1]
            )
        return []

    acting_as(client, "city_handler", CGW, "handler")
    same_for_few_and_many(client, f"/cases/{case.number}/", grow)
    assert case.events.filter(action="requester_message").count() == MORE


def _read_by_units(flow, n, done):
    """A case to each of n more departments, read there: their read clocks
    have run their course, a row each in the supervisors' tables."""
    names = []
    for name in DEPARTMENTS[len(done) : len(done) + n]:
        assignment = flow.to(flow.phone_case(), name)
        actions.read_assignment(actor=staff(name, "handler"), assignment=assignment)
        done.append(name)
        names.append(name)
    return names


def test_the_supervision_dashboard(client, clock, flow):
    """Issue 14: /supervision/dashboard/, a row per department."""
    clock("2026-11-26 10:00")
    done = []
    acting_as(client, "city_supervisor", EFFICIENCY_OFFICE, "supervisor")
    same_for_few_and_many(
        client,
        "/supervision/dashboard/",
        lambda n: _read_by_units(flow, n, done),
        {"from": "2026-11-01", "to": "2026-12-31"},
    )


def test_the_annual_ranking(client, clock, flow):
    """Issue 14: /supervision/ranking/ of last year, a row per department."""
    done = []

    def grow(n):
        clock("2025-06-10 10:00")
        names = _read_by_units(flow, n, done)
        clock("2026-03-02 10:00")
        return names

    acting_as(client, "city_supervisor", EFFICIENCY_OFFICE, "supervisor")
    same_for_few_and_many(client, "/supervision/ranking/", grow, {"year": "2025"})


def _lapsed_in_units(flow, clock, n, done):
    """Two cases read and never answered in each of n more departments:
    their reply clocks breach (missed deadlines, lapsed violations, flagged
    cases); the first warning of each is issued, so the second, proposed,
    reaches the unit's leader in charge (R11)."""
    names = DEPARTMENTS[len(done) : len(done) + n]
    for day in ("2026-11-02", "2026-11-03"):
        clock(f"{day} 10:00")
        for name in names:
            assignment = flow.to(flow.phone_case(content=f"{day}：路灯不亮。"), name)
            actions.read_assignment(actor=staff(name, "handler"), assignment=assignment)
    supervisor = User.objects.get(username="city_supervisor")
    clock("2026-11-17 00:01")  # 10 working days from Monday 11-02 ended
    breach_due_clocks()
    for warning in propose_warnings(NOVEMBER):
        decide_warning(actor=supervisor, warning=warning, issue=True)
    clock("2026-11-18 00:01")
    breach_due_clocks()
    proposed = propose_warnings(NOVEMBER)
    assert len(proposed) == n and all(w.leader for w in proposed)
    clock("2026-11-26 10:00")
    done += names
    return [*names, *(v.case.number for w in proposed for v in w.evidence.all())]


def test_the_supervision_overview(client, clock, flow):
    """Issue 14: /supervision/, missed deadlines, violations, flagged cases
    and proposed warnings with their evidence."""
    done = []
    acting_as(client, "city_supervisor", EFFICIENCY_OFFICE, "supervisor")
    same_for_few_and_many(client, "/supervision/", lambda n: _lapsed_in_units(flow, clock, n, done))


def test_the_bulletin_preview(client, clock, flow):
    """Issue 16: /supervision/bulletins/preview/, the draft of November:
    a row per department in the ranking, criticised units with their cases."""
    done = []
    acting_as(client, "city_supervisor", EFFICIENCY_OFFICE, "supervisor")
    same_for_few_and_many(
        client,
        "/supervision/bulletins/preview/",
        lambda n: _lapsed_in_units(flow, clock, n, done),
        {"month": "2026-11"},
    )


def test_the_portals_published_list(client, clock, flow):
    """Issue 14: /portal/published/."""
    clock("2026-11-26 10:00")
    same_for_few_and_many(
        client, "/portal/published/", lambda n: [published(flow).number for _ in range(n)]
    )


def test_a_search_of_the_portals_published_list(client, clock, flow):
    """Issue 14: /portal/published/?q=…, a search (never kept)."""
    clock("2026-11-26 10:00")
    same_for_few_and_many(
        client,
        "/portal/published/",
        lambda n: [published(flow).number for _ in range(n)],
        {"q": "路灯"},
    )


def test_the_portals_statistics(client, clock, flow):
    """Issue 14: /portal/statistics/, cases received and rated over several
    months, each in a category of its own."""
    months = iter(["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"])
    categories = iter(Category.objects.order_by("id"))

    def grow(n):
        names = []
        for _ in range(n):
            clock(f"{next(months)}-10 10:00")
            category = next(categories)
            actions.rate_case(case=published(flow, category=category), satisfaction="satisfied")
            names.append(category.name)
        clock("2026-11-26 10:00")
        return names

    same_for_few_and_many(client, "/portal/statistics/", grow)


def test_open311_requests(client, clock, flow):
    """Issue 14: /open311/v2/requests.json."""
    clock("2026-11-26 10:00")
    same_for_few_and_many(
        client, "/open311/v2/requests.json", lambda n: [published(flow).number for _ in range(n)]
    )


def test_the_api_case_list(client, clock, flow):
    """Issue 14: GET /api/v1/cases?limit=100 with a token reading its
    unit's cases (the city bureau's: every case)."""
    clock("2026-11-26 10:00")
    _token, key = issue_token(
        actor=User.objects.get(username="admin"),
        name="integration",
        user=User.objects.get(username="city_dispatcher"),
        unit=unit(CITY_BUREAU),
        actions=[],
        reads="unit",
    )
    same_for_few_and_many(
        Client(),
        "/api/v1/cases",
        lambda n: _cases(flow, n),
        {"limit": "100"},
        Authorization=f"Bearer {key}",
    )


def _calls(flow, n):
    """Cases from one caller, by phone and on the web."""
    numbers = []
    for i in range(n):
        requester = RequesterDetails(name="王先生", phone="13905910000", address="鼓楼区东街1号")
        case = flow.phone_case(requester=requester) if i % 2 else flow.web_case()
        numbers.append(case.number)
    return numbers


def test_the_callers_history_on_the_intake_page(client, clock, flow):
    """Issue 15: the caller's earlier cases as the agent types the number
    (each with the name and address to pick) and the look-up by phone."""
    clock("2026-11-26 10:00")
    acting_as(client, "agent", "鼓楼数据信息服务中心", "agent")
    shown = _calls(flow, FEW)
    params = {"phone": "13905910000", "content": "路灯损坏"}
    few = statements(client, "/intake/caller/", params)[0]
    lookup = statements(client, "/intake/lookup/", {"q": "139 0591 0000"})[0]
    shown += _calls(flow, MORE - FEW)
    many, page = statements(client, "/intake/caller/", params)
    assert all(s in page for s in shown) and "王先生" in page
    assert many == few
    assert statements(client, "/intake/lookup/", {"q": "139 0591 0000"})[0] == lookup
