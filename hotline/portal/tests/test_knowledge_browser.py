"""N2 on a phone in a real Chromium: the submit page offers the articles
that may already answer a person as they type, before they submit; the
public reads the article."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hotline.knowledge.tests.factories import published_article
from hotline.knowledge.workflow import VersionState

pytestmark = [
    pytest.mark.skipif(
        not Path(os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")).exists(),
        reason="needs Chromium: apt-get install chromium (screenshots: fonts-noto-cjk)",
    ),
    pytest.mark.django_db(transaction=True),
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, committed_demo):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    yield context.new_page()
    context.close()


def test_the_submit_page_suggests_an_article_as_the_person_types_N2(phone, live_server):
    published_article()
    published_article(title="居住证草稿不可见", state=VersionState.DRAFT)
    phone.goto(f"{live_server.url}/portal/submit/")
    phone.locator("#id_content").press_sequentially("我的居住证下个月到期了，要带什么去续签")
    suggested = phone.get_by_test_id("suggested-articles")
    expect(suggested).to_contain_text("居住证续签需要带什么材料")
    expect(suggested).not_to_contain_text("居住证草稿不可见")
    with phone.context.expect_page() as opened:
        suggested.get_by_role("link", name="居住证续签需要带什么材料").click()
    article = opened.value
    expect(article.get_by_test_id("answer")).to_contain_text("到居住地派出所户籍窗口办理")
    # Nothing was submitted: the person may still go on with the form.
    expect(phone.locator("#id_content")).to_have_value("我的居住证下个月到期了，要带什么去续签")
