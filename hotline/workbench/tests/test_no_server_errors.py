"""Issue 12: no page answers a server error (500), whatever its query
parameters, form fields and path arguments, for anonymous visitors and for
staff in each role. Property-based (hypothesis): each page gets a small
number of generated requests mixing ordinary values with the kinds that
broke pages before (year 1 and 9999, out-of-range offsets and ids, overlong
text, javascript: addresses, NUL characters).

Every URL pattern of the site is either exercised here or named in
ELSEWHERE with the test that covers it: a new page must join one or the
other (test_every_page_is_covered)."""

import string
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.cases.clocks import breach_due_clocks
from hotline.cases.tests.conftest import Flow
from hotline.catalogue.actions import draft_version
from hotline.catalogue.demo import load_demo_catalogue
from hotline.knowledge.tests.factories import published_article
from hotline.organisation.demo import LOGINS
from hotline.organisation.models import User
from hotline.supervision.rules import propose_warnings
from hotline.workbench.case_actions import BY_NAME

pytestmark = pytest.mark.django_db

# Pages covered elsewhere, and why not here.
ELSEWHERE = {
    "admin": "Django's administration (its own forms and tests)",
    "api-v1": "the API's every operation: hotline/api/tests/test_schemathesis.py",
    "sms-inbound": "signed gateway posts: hotline/notifications/tests",
    "logout": "no input but the session",
    "javascript-catalog": "Django's",
}

EDGE = [
    "",
    "0",
    "-1",
    "1",
    "abc",
    "on",
    "true",
    "None",
    "null",
    "9" * 30,
    "-" + "9" * 30,
    "0001-01-01",
    "9999-12-31",
    "0001-01",
    "9999-12",
    "10000-01",
    "2026-13-45",
    "2026-11-26T10:00:00_1",
    "0001-01-01T00:00:00+14:00_1",
    "9999-12-31T23:59:59-14:00_1",
    "2026-11-26T10:00:00_" + "9" * 30,
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "a\x00b",
    "路灯" * 150,
    "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 60 + ".cn",
    "FZ2026112600001",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "%",
    "_",
]

values = st.one_of(
    st.sampled_from(EDGE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.builds(
        lambda d, n, offset: f"{d.isoformat()}{offset}_{n}",
        st.datetimes(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from(["", "+14:00", "-14:00", "Z", "+08:00"]),
    ),
)
path_words = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=20),
    st.sampled_from(["FZ2026112600001", "0", "9" * 30]),
)
path_ints = st.one_of(st.integers(min_value=0, max_value=2**70), st.sampled_from([0, 1, 2**63]))

ROLES = [None, *sorted({login.username for login in LOGINS})]
FILTERS = ["q", "status", "channel", "category", "district", "overdue", "lapsed", "repeat"]
FILTERS += ["from", "to", "before", "sort", "page"]


@dataclass
class Page:
    name: str
    path: object  # (draw, world) -> path
    get: list[str] = field(default_factory=list)
    post: list[str] | None = None  # None: GET only


@dataclass
class World:
    """Real things for the path arguments to name, besides random ones."""

    number: str
    part: int
    assignment: int
    warning: int
    violation: int
    unit: int
    published: str
    screening: str  # a case the city bureau has still to screen
    article: int  # a published knowledge base article of the world's unit


def _one(draw, real, random):
    return draw(st.one_of(st.just(real), random))


def _case_path(suffix=""):
    return lambda draw, w: f"/cases/{_one(draw, w.number, path_words)}/{suffix}"


def _act_path(draw, w):
    action = draw(st.one_of(st.sampled_from(sorted(BY_NAME)), path_words))
    kind = draw(st.sampled_from(["case", "part", "assignment", "escalation", "other"]))
    target = draw(st.one_of(st.sampled_from([w.part, w.assignment, 1]), path_ints))
    return f"/cases/{_one(draw, w.number, path_words)}/act/{action}/{kind}/{target}/"


def _act_fields():
    names = ["expected_version", "alternate", "confirmed", "revise"]
    for action in BY_NAME:
        for pk in ("1",):
            names += [f"{action}-{pk}-{f}" for f in ("expected_version", "note", "reason", "mode")]
    return names


INTAKE = ["submission", "draft", "channel", "phone", "name", "kind", "id_number", "email"]
INTAKE += ["address", "content", "location", "category", "disclosure_allowed", "request_type"]
INTAKE += ["answer_with", "hint"]
PLAN = (
    ["count", "expected_version"]
    + [
        f"p{i}-{f}"
        for i in range(2)
        for f in (
            "description",
            "mode",
            "unit",
            "co",
            "district_bureau",
            "instruction",
            "against_catalogue",
        )
    ]
    + ["district_confirmed"]
)
SCREEN = [*PLAN, "mode", "reason", "city_final_review", "request_type"]

REPLY_TEMPLATE = ["title", "content", "remaining_problems", "measures"]
ARTICLE_STEPS = ["submit", "send-back", "approve", "return", "publish", "withdraw"]
CATALOGUE_ENTRY = ["category", "sub_matter", "keywords", "district", "street", "unit", "co"]
ARTICLE = ["title", "question", "answer", "keywords", "category", "effective_on", "review_by"]
PORTAL_SUBMIT = ["submission", "content", "category", "location", "name", "mobile"]
PORTAL_SUBMIT += ["disclosure_allowed", "website", "request_type"]
OPEN311_POST = ["api_key", "service_code", "lat", "long", "address_string", "description"]
OPEN311_POST += ["email", "first_name", "last_name", "phone", "attribute[disclosure]"]

PAGES = [
    Page("queue", lambda d, w: "/", FILTERS),
    Page("switch", lambda d, w: "/switch/", [], ["acting", "next"]),
    Page("password-change", lambda d, w: "/password/", [], ["old_password", "new_password1"]),
    Page("case-list", lambda d, w: "/cases/", FILTERS),
    Page("case-detail", _case_path(), ["tab", "reply_template"]),
    Page("case-print", _case_path("print/"), []),
    Page(
        "case-attachment",
        lambda d, w: f"/cases/{_one(d, w.number, path_words)}/attachments/{d(path_ints)}/",
    ),
    Page("reply-templates", lambda d, w: "/reply-templates/", [], REPLY_TEMPLATE),
    Page(
        "reply-template-edit",
        lambda d, w: f"/reply-templates/{d(path_ints)}/",
        [],
        REPLY_TEMPLATE,
    ),
    Page(
        "reply-template-delete",
        lambda d, w: f"/reply-templates/{d(path_ints)}/delete/",
        [],
        ["next"],
    ),
    Page(
        "dispatch",
        lambda d, w: (
            f"/cases/{_one(d, w.number, path_words)}/dispatch/{_one(d, w.part, path_ints)}/"
        ),
        ["parts"],
        PLAN,
    ),
    Page(
        "screen",
        lambda d, w: f"/cases/{_one(d, w.screening, path_words)}/screen/",
        ["parts"],
        SCREEN,
    ),
    Page(
        "merge-here",
        lambda d, w: f"/cases/{_one(d, w.screening, path_words)}/merge/",
        [],
        ["expected_version", "cases"],
    ),
    Page("act", _act_path, [], _act_fields()),
    Page("article-list", lambda d, w: "/knowledge/", ["show"]),
    Page("article-new", lambda d, w: "/knowledge/new/", [], ARTICLE),
    Page("article-import", lambda d, w: "/knowledge/import/", [], ["file", "publish"]),
    Page("article-detail", lambda d, w: f"/knowledge/{_one(d, w.article, path_ints)}/"),
    Page(
        "article-edit",
        lambda d, w: f"/knowledge/{_one(d, w.article, path_ints)}/edit/",
        [],
        ARTICLE,
    ),
    Page(
        "article-renew",
        lambda d, w: f"/knowledge/{_one(d, w.article, path_ints)}/renew/",
        [],
        ARTICLE,
    ),
    Page(
        "article-step",
        lambda d, w: (
            f"/knowledge/{_one(d, w.article, path_ints)}/versions/{_one(d, 1, path_ints)}/"
            f"{d(st.one_of(st.sampled_from(ARTICLE_STEPS), path_words))}/"
        ),
        [],
        ["reason"],
    ),
    Page("article-propose", lambda d, w: f"/knowledge/propose/{d(path_ints)}/", [], ["next"]),
    Page("intake", lambda d, w: "/intake/", ["draft"], INTAKE),
    Page("caller", lambda d, w: "/intake/caller/", ["phone", "content"]),
    Page("catalogue", lambda d, w: "/catalogue/"),
    Page("catalogue-draft", lambda d, w: "/catalogue/new/", [], ["effective_on", "note"]),
    Page("catalogue-import", lambda d, w: "/catalogue/import/", [], ["file", "effective_on"]),
    Page("catalogue-version", lambda d, w: f"/catalogue/{_one(d, 1, path_ints)}/"),
    Page("catalogue-export", lambda d, w: f"/catalogue/{_one(d, 1, path_ints)}/export/"),
    Page(
        "catalogue-publish",
        lambda d, w: f"/catalogue/{_one(d, 2, path_ints)}/publish/",
        [],
        ["effective_on"],
    ),
    Page(
        "catalogue-entry-new",
        lambda d, w: f"/catalogue/{_one(d, 2, path_ints)}/entries/new/",
        [],
        CATALOGUE_ENTRY,
    ),
    Page(
        "catalogue-entry-edit",
        lambda d, w: f"/catalogue/{_one(d, 2, path_ints)}/entries/{d(path_ints)}/",
        [],
        CATALOGUE_ENTRY,
    ),
    Page(
        "catalogue-entry-remove",
        lambda d, w: f"/catalogue/{_one(d, 2, path_ints)}/entries/{d(path_ints)}/remove/",
        [],
        ["next"],
    ),
    Page("intake-articles", lambda d, w: "/intake/articles/", ["content"]),
    Page("case-lookup", lambda d, w: "/intake/lookup/", ["q"]),
    Page("case-progress", lambda d, w: f"/intake/progress/{_one(d, w.number, path_words)}/"),
    Page("calendar", lambda d, w: "/calendar/"),
    Page(
        "calendar-year",
        lambda d, w: f"/calendar/{_one(d, 2027, path_ints)}/",
        [],
        ["text", "source", "reason", "preview", "confirm"],
    ),
    Page("supervision", lambda d, w: "/supervision/", FILTERS),
    Page("publish-bulletin", lambda d, w: "/supervision/bulletins/", [], ["month"]),
    Page("preview-bulletin", lambda d, w: "/supervision/bulletins/preview/", ["month", "format"]),
    Page("dashboard", lambda d, w: "/supervision/dashboard/", FILTERS),
    Page(
        "decide-warning",
        lambda d, w: f"/supervision/warnings/{_one(d, w.warning, path_ints)}/",
        [],
        ["decision", "note"],
    ),
    Page(
        "excuse-violation",
        lambda d, w: f"/supervision/violations/{_one(d, w.violation, path_ints)}/excuse/",
        [],
        ["reason", "back"],
    ),
    Page("ranking", lambda d, w: "/supervision/ranking/", ["year"]),
    Page("early-warnings", lambda d, w: "/early-warnings/", ["show"]),
    Page("early-warning", lambda d, w: f"/early-warnings/{d(path_ints)}/"),
    Page(
        "acknowledge-early-warning",
        lambda d, w: f"/early-warnings/{d(path_ints)}/acknowledge/",
        [],
        ["note"],
    ),
    Page(
        "follow-up-early-warning",
        lambda d, w: f"/early-warnings/{d(path_ints)}/follow-up/",
        [],
        ["note"],
    ),
    Page(
        "watch-words", lambda d, w: "/early-warnings/watch-words/", [], ["word", "note", "active"]
    ),
    Page("commend", lambda d, w: "/supervision/ranking/commend/", [], ["year", "top"]),
    Page("drill", lambda d, w: "/supervision/drill/", ["unit", "measure", "from", "to"]),
    Page(
        "against-catalogue",
        lambda d, w: "/supervision/against-catalogue/",
        ["dispatcher", "from", "to"],
    ),
    Page(
        "bulletin-file",
        lambda d, w: (
            f"/supervision/bulletins/{d(path_ints)}/"
            f"{d(st.one_of(st.sampled_from(['pdf', 'xlsx']), path_words))}/"
        ),
    ),
    Page("unit-list", lambda d, w: "/organisation/", ["q", "kind", "district", "level"]),
    Page("unit-detail", lambda d, w: f"/organisation/units/{_one(d, w.unit, path_ints)}/"),
    Page("notifications", lambda d, w: "/notifications/", ["page", "before"]),
    Page("callback-done", lambda d, w: f"/callbacks/{d(path_ints)}/done/", [], ["note"]),
    Page("portal-home", lambda d, w: "/portal/"),
    Page(
        "portal-submit",
        lambda d, w: "/portal/submit/",
        [],
        PORTAL_SUBMIT,
    ),
    Page("portal-submitted", lambda d, w: "/portal/submitted/", ["number"]),
    Page("portal-track", lambda d, w: "/portal/track/", ["number"], ["number", "code"]),
    Page("portal-tracked", lambda d, w: "/portal/track/case/", [], ["satisfaction", "comment"]),
    Page(
        "portal-rate",
        lambda d, w: f"/portal/rate/{d(path_words)}/",
        [],
        ["satisfaction", "comment"],
    ),
    Page("portal-published", lambda d, w: "/portal/published/", FILTERS),
    Page(
        "portal-published-detail",
        lambda d, w: f"/portal/published/{_one(d, w.published, path_words)}/",
    ),
    Page("portal-statistics", lambda d, w: "/portal/statistics/", ["year", "month", "from", "to"]),
    Page("portal-knowledge", lambda d, w: "/portal/knowledge/", ["q", "category"]),
    Page(
        "portal-knowledge-detail",
        lambda d, w: f"/portal/knowledge/{_one(d, w.article, path_ints)}/",
    ),
    Page("portal-suggested-articles", lambda d, w: "/portal/knowledge/suggested/", ["content"]),
    Page("login", lambda d, w: "/login/", ["next"], ["username", "password", "next"]),
    Page("set_language", lambda d, w: "/i18n/setlang/", [], ["language", "next"]),
    Page(
        "open311",
        lambda d, w: (
            "/open311/v2/"
            + d(
                st.sampled_from(
                    [
                        "discovery.json",
                        "services.xml",
                        "services/CG.json",
                        f"requests/{w.published}.xml",
                        "requests.json",
                        "requests.xml",
                        "nothing.json",
                    ]
                )
            )
        ),
        ["service_request_id", "service_code", "start_date", "end_date", "status", "page"],
        OPEN311_POST,
    ),
    Page("healthz", lambda d, w: "/healthz"),
]
BY_PAGE = {page.name: page for page in PAGES}


def _names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            space = f"{pattern.namespace}:" if pattern.namespace else ""
            yield from _names(pattern.url_patterns, prefix + space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


def test_every_page_is_covered():
    uncovered = set()
    for name in _names(get_resolver().url_patterns):
        head = name.split(":", 1)[0] if ":" in name else name
        if name in BY_PAGE or head in ELSEWHERE or name in ELSEWHERE:
            continue
        if name.startswith("open311-"):
            continue  # one Page for every Open311 resource
        uncovered.add(name)
    assert uncovered == set()


@pytest.fixture
def world(clock):
    clock("2026-11-02 10:00")
    flow = Flow()
    assignment = flow.to(flow.phone_case(), "福州市城市管理委员会")
    for i in range(2):
        flow.to(flow.phone_case(content=f"第{i}件：路灯不亮。"), "福州市城市管理委员会")
    done = flow.to(flow.phone_case(content="鼓楼区路灯不亮。"), "福州市城市管理委员会")
    flow.handle(done)
    flow.review(done.part)
    published = flow.close(done.case)
    screening = flow.phone_case(location="仓山区金山街道")
    clock("2026-11-05 00:01")
    breach_due_clocks()
    warning = propose_warnings(date(2026, 11, 1))[0]
    clock("2026-12-02 10:00")
    # The catalogue's pages name version 1 (published) and 2 (a draft).
    load_demo_catalogue()
    draft_version(actor=flow.city_dispatcher, effective_on=date(2027, 1, 1))
    return World(
        number=assignment.case.number,
        part=assignment.part_id,
        assignment=assignment.pk,
        warning=warning.pk,
        violation=warning.evidence.first().pk,
        unit=assignment.unit_id,
        published=published.number,
        screening=screening.number,
        article=published_article(unit="福州市城市管理委员会").article_id,
    )


def _client(username):
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("route", PAGES, ids=lambda p: p.name)
@settings(
    max_examples=12,
    # The same examples on every run: CI answers for the change it tests, not
    # for what a new random draw happens to find (run with a seed to explore).
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_page_answers_a_server_error(route, world, data):
    username = data.draw(st.sampled_from(ROLES), label="as")
    path = route.path(data.draw, world)
    query = {
        name: data.draw(values, label=name)
        for name in data.draw(
            st.lists(st.sampled_from(route.get), unique=True) if route.get else st.just([])
        )
    }
    client = _client(username)
    if route.post is not None and data.draw(st.booleans(), label="post"):
        form = {
            name: data.draw(values, label=name)
            for name in data.draw(st.lists(st.sampled_from(route.post), unique=True))
        }
        if route.name == "publish-bulletin" and data.draw(st.booleans(), label="real month"):
            form["month"] = data.draw(st.sampled_from(["2026-10", "2026-11", "2026-12"]))
        response = client.post(path + ("?" + _encode(query) if query else ""), form)
    else:
        response = client.get(path, query)
    unhealthy = route.name == "healthz" and response.status_code == 503
    assert response.status_code < 500 or unhealthy, (
        username,
        path,
        query,
        response.status_code,
    )


def _encode(query):
    from urllib.parse import urlencode

    return urlencode(query)
