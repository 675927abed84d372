"""Every page every demo role can reach speaks Chinese words: no codes
(`sms`, `received`), no rule IDs ("R8.4b"), no English left untranslated.

Each demo user logs in, acts in each of their roles in turn, and follows
every link the pages offer (and the case list's filters); the public portal
and the admin index are read the same way. What a user may read on a page
is its text (hidden parts too: a folded form opens with a click; not what
is hidden from everyone with aria-hidden), the title,
the placeholder, title, aria-label and alt attributes, the buttons' values
and every option of every select.
"""

import os
import re
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from hotline.cases.demo import load_demo_cases
from hotline.cases.tests.conftest import Flow
from hotline.organisation.demo import DEMO_PASSWORD, LOGINS

pytestmark = [
    pytest.mark.skipif(
        not Path(os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")).exists(),
        reason="needs Chromium: apt-get install chromium",
    ),
    pytest.mark.django_db(transaction=True),
]

# Latin a reader of the Chinese UI is expected to meet, each for a reason:
ALLOWED = re.compile(
    r"FZ\d{13}"  # a case number: the city's prefix, the day and its sequence (cases/numbers.py)
    r"|English"  # the language switch names each language in itself
    r"|PDF|Excel"  # file formats of the bulletins, as people name them
    r"|Ctrl"  # a key, named as its keycap prints it (the intake's keyboard hints)
)
LATIN = re.compile(r"[A-Za-z]+")
RULE_ID = re.compile(r"\b[RDN]\d+(\.\d+)*[a-z]?\b")
# A label's colon: "：" after Chinese, and none after a question ("满意吗？").
COLON = re.compile(r"[？！。?][:：]|[\u4e00-\u9fff）]:")

# The staff pages a crawl follows; not the files (bulletin downloads), not
# the public portal (read on its own below), not logging out.
STAFF_PATHS = re.compile(
    r"^/(|cases/.*|intake/|notifications/|password/|organisation/.*|supervision/.*|knowledge/.*)$"
)
NOT_FOLLOWED = re.compile(r"^/supervision/bulletins/\d+/|^/logout/|^/admin/|^/portal/|^/i18n/")
PER_KIND = 3
FILTERED = [
    "/cases/?status=handling",
    "/cases/?status=closed&channel=web",
    "/cases/?overdue=1&lapsed=1&repeat=1",
    "/cases/?q=路灯",
    "/?status=screening",
]

READABLE = """() => {
  const out = [document.title];
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    // aria-hidden: the portal's trap for robots, a field no person sees or hears
    const parent = n.parentElement;
    if (skip.has(parent.tagName) || parent.closest("[aria-hidden=true]")) continue;
    if (n.textContent.trim()) out.push(n.textContent.trim());
  }
  for (const e of document.querySelectorAll("[title], [placeholder], [aria-label], [alt]")) {
    for (const a of ["title", "placeholder", "aria-label", "alt"]) {
      if (e.getAttribute(a)) out.push(e.getAttribute(a));
    }
  }
  for (const e of document.querySelectorAll("input[type=submit], input[type=button]")) {
    if (e.value) out.push(e.value);
  }
  return out;
}"""

LINKS = """() => [...document.querySelectorAll("a[href]")].map(a => a.href)"""


def problems_on(page, url, chinese=True):
    """What on this page is not in words: (url, the word, the text it is in).
    On an English page, only the rule IDs."""
    found = []
    for text in page.evaluate(READABLE):
        rest = ALLOWED.sub(" ", text) if chinese else text
        words = [m.group(0) for m in RULE_ID.finditer(rest)]
        if chinese:
            words += LATIN.findall(RULE_ID.sub(" ", rest))
            words += COLON.findall(text)
        found += [(url, word, text[:80]) for word in words]
    return found


def login(browser, live_server, username, locale="zh-CN"):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale=locale)
    if locale == "en":  # as if chosen on the language menu: the browser's own does not count
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
        )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def kind(path):
    """A page's kind: its path with the numbers taken out."""
    return re.sub(r"\d+", "#", path.split("?")[0])


def crawl(page, base, starts, follow, chinese=True):
    """Visit starts and every page linked from them that `follow` accepts:
    every case, and a few pages of each other kind (there are 200 units)."""
    found, seen, todo, kinds = [], set(), deque(starts), Counter()
    while todo:
        path = todo.popleft()
        if path in seen or (not path.startswith("/cases/FZ") and kinds[kind(path)] >= PER_KIND):
            continue
        seen.add(path)
        kinds[kind(path)] += 1
        response = page.goto(base + path)
        assert response.ok, f"{path} answered {response.status}"
        found += problems_on(page, path, chinese)
        for href in page.evaluate(LINKS):
            link = urlsplit(href)
            target = link.path + (f"?{link.query}" if link.query else "")
            if href.startswith(base) and follow(link.path) and target not in seen:
                todo.append(target)
    return found, seen


def staff_follow(path):
    return bool(STAFF_PATHS.match(path)) and not NOT_FOLLOWED.match(path)


@pytest.fixture
def cases_in_every_state(committed_demo):
    """The demo's cases, and one more each at dispatch and approved (so the
    dispatch page and the close form are among the pages read)."""
    load_demo_cases()
    flow = Flow()
    flow.accept(flow.web_case("仓山区万达广场附近夜间施工噪音扰民。"))
    approved = flow.to(flow.phone_case(), "福州市城市管理委员会")
    flow.handle(approved)
    flow.review(approved.part)


def format_problems(found):
    return "\n".join(f"{url}: {word!r} in {text!r}" for url, word, text in found)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_staff_page_of_every_role_is_in_words(
    browser, live_server, cases_in_every_state, locale
):
    """Rule IDs and codes never reach a page (issue 15); in Chinese, no
    Latin at all."""
    chinese = locale == "zh-CN"
    found, visited = [], set()
    for login_ in LOGINS:
        page = login(browser, live_server, login_.username, locale)
        acting = page.get_by_test_id("acting")
        roles = acting.locator("option").all_inner_texts() if acting.count() else [None]
        for role in roles:
            if role is not None and len(roles) > 1:
                page.goto(f"{live_server.url}/")
                page.get_by_test_id("acting").select_option(label=role)
                page.locator("form:has([data-testid=acting]) button").click()
            starts = ["/", *FILTERED, "/notifications/", "/password/"]
            if login_.username == "admin":
                starts.append("/admin/")
            problems, seen = crawl(page, live_server.url, starts, staff_follow, chinese)
            found += problems
            visited |= seen
        page.context.close()
    # The crawl did reach the pages it is meant to read.
    for shape in (r"^/cases/FZ\d+/$", r"^/cases/FZ\d+/print/$", r"^/cases/FZ\d+/dispatch/\d+/$"):
        assert any(re.match(shape, p) for p in visited), shape
    for page_ in ("/intake/", "/supervision/", "/supervision/dashboard/", "/supervision/ranking/"):
        assert page_ in visited, page_
    assert any(p.startswith("/supervision/drill/") for p in visited)
    assert any(p.startswith("/organisation/units/") for p in visited)
    unique = sorted(set(found))
    if os.environ.get("WORDS_REPORT"):
        Path(os.environ["WORDS_REPORT"]).write_text(format_problems(unique))
    assert not unique, f"Codes or rule IDs on {locale} pages:\n" + format_problems(unique)


def test_every_public_page_is_in_chinese_words(browser, live_server, cases_in_every_state):
    """The portal, for anyone: home, submit, track, published, statistics."""
    from hotline.cases.models import Case

    published = Case.objects.filter(state="closed").values_list("number", flat=True)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    starts = ["/portal/", "/login/", *(f"/portal/published/{n}/" for n in published)]
    found, visited = crawl(
        page,
        live_server.url,
        starts,
        lambda path: path.startswith("/portal/") and not path.startswith("/portal/rate/"),
    )
    for page_ in ("/portal/submit/", "/portal/track/", "/portal/published/", "/portal/statistics/"):
        assert page_ in visited, page_
    context.close()
    unique = sorted(set(found))
    assert not unique, "Latin or rule IDs on public pages:\n" + format_problems(unique)


WIDEST_OPTION_AND_ROOM = """(select) => {
  const style = getComputedStyle(select);
  const probe = document.createElement("span");
  probe.style.font = style.font;
  probe.style.whiteSpace = "pre";
  document.body.append(probe);
  let widest = 0;
  for (const option of select.options) {
    probe.textContent = option.text;
    widest = Math.max(widest, probe.getBoundingClientRect().width);
  }
  probe.remove();
  const arrow = 16;  // Chromium draws the drop-down arrow inside the box
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [widest, room - arrow];
}"""


def test_the_acting_as_select_shows_the_whole_unit_and_role(browser, live_server, committed_demo):
    """Issue 15: the header's select cut the role off ("鼓楼区信访局 · 审…")."""
    page = login(browser, live_server, "gulou_bureau")
    acting = page.get_by_test_id("acting")
    expect(acting.locator("option")).to_have_text(
        ["鼓楼区信访局 · 批转员", "鼓楼区信访局 · 审核员"]
    )
    for width in (1366, 480):  # a desk, and a phone where the header wraps
        page.set_viewport_size({"width": width, "height": 800})
        widest, room = acting.evaluate(WIDEST_OPTION_AND_ROOM)
        assert widest <= room, width
    page.context.close()
