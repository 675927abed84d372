"""In Chromium: a unit's handler drafts an article, its leader approves it
and the city bureau's reviewer publishes it (N2)."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from hotline.knowledge.models import ArticleVersion
from hotline.knowledge.search import find_articles
from hotline.workbench.tests.test_browser import as_user  # noqa: F401
from hotline.workbench.tests.test_browser import pytestmark as browser_marks

pytestmark = browser_marks


def test_handler_drafts_leader_approves_reviewer_publishes_N2(as_user, live_server):  # noqa: F811
    today = timezone.localdate()
    handler = as_user("city_handler")
    handler.goto(f"{live_server.url}/")
    handler.get_by_role("link", name="知识库").click()
    handler.get_by_test_id("article-new").click()
    handler.get_by_label("标题").fill("共享单车乱停放怎么投诉")
    handler.get_by_label("问题（群众的说法）").fill("小区门口共享单车堆成一片，找谁管？")
    handler.locator("#id_answer").fill(
        "可拨打12345或在城管微信公众号反映，城管部门将通知运营企业两小时内清理。"
    )
    handler.get_by_label("关键词").fill("单车 停放 清理")
    handler.get_by_label("复核日期").fill(f"{today + timedelta(days=200):%Y-%m-%d}")
    handler.get_by_role("button", name="保存草稿").click()
    expect(handler.get_by_test_id("article-title")).to_contain_text("共享单车乱停放怎么投诉")
    handler.get_by_test_id("step-submit").get_by_role("button").click()
    expect(handler.locator("ul.messages")).to_contain_text("提交分管领导")

    leader = as_user("city_leader")
    leader.goto(f"{live_server.url}/knowledge/")
    expect(leader.get_by_test_id("tab-waiting")).to_contain_text("(1)")
    leader.get_by_role("link", name="共享单车乱停放怎么投诉").click()
    leader.get_by_test_id("step-approve").get_by_role("button").click()
    expect(leader.get_by_test_id("article-current")).to_contain_text("待市信访局审核")

    reviewer = as_user("city_reviewer")
    reviewer.goto(f"{live_server.url}/knowledge/")
    reviewer.get_by_role("link", name="共享单车乱停放怎么投诉").click()
    reviewer.get_by_test_id("step-publish").get_by_role("button").click()
    expect(reviewer.get_by_test_id("article-current")).to_contain_text(re.compile("第1版：已发布"))
    expect(reviewer.get_by_test_id("article-event")).to_have_count(4)

    version = ArticleVersion.objects.get(title="共享单车乱停放怎么投诉")
    assert version.state == "published" and version.approved_by.username == "city_leader"
    assert version in find_articles("单车", on=today)
