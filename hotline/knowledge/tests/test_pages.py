"""The knowledge base's staff pages (N2): who sees what, the steps through
the forms, and statements that do not grow with the rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.cases.tests.conftest import staff
from hotline.knowledge import actions
from hotline.knowledge.actions import ArticleText
from hotline.knowledge.models import Article
from hotline.knowledge.tests.factories import published_article
from hotline.organisation.models import User

UNIT = "福州市公安局"


@pytest.fixture
def today(db, clock):
    clock("2026-12-01 10:00")


def draft(n: int = 0, unit_name: str = UNIT):
    handler = staff(unit_name, "handler")
    return actions.draft_article(
        actor=handler,
        unit=handler.role_grants.get().unit,
        text=ArticleText(
            title=f"问题{n}怎么办",
            question=f"请问问题{n}怎么办？",
            answer="按规定办理。",
            effective_on=date(2026, 12, 1),
            review_by=date(2027, 12, 1),
        ),
    )


def test_handler_drafts_through_the_form_and_submits_N2(client, today):
    client.force_login(staff(UNIT, "handler"))
    form = client.get("/knowledge/new/").content.decode()
    assert "2027-12-01" in form  # the policy's validity from today
    bad = client.post("/knowledge/new/", {"title": "", "question": "q", "answer": "a"})
    assert bad.status_code == 400
    response = client.post(
        "/knowledge/new/",
        {
            "title": "户口迁移",
            "question": "户口怎么迁？",
            "answer": "到派出所办理。",
            "effective_on": "2026-12-01",
            "review_by": "2026-11-01",
        },
    )
    assert response.status_code == 400 and "复核日期须晚于生效日期" in response.content.decode()
    response = client.post(
        "/knowledge/new/",
        {
            "title": "户口迁移",
            "question": "户口怎么迁？",
            "answer": "到派出所办理。",
            "effective_on": "2026-12-01",
            "review_by": "2027-06-01",
        },
    )
    article = Article.objects.get()
    assert response["Location"] == f"/knowledge/{article.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "第1版：草稿" in page and "提交分管领导" in page and "起草" in page
    client.post(f"/knowledge/{article.pk}/versions/1/submit/")
    assert article.versions.get().state == "awaiting_approval"


def test_leader_and_reviewer_see_what_waits_for_them_N2(client, today):
    version = draft()
    actions.submit_article(actor=staff(UNIT, "handler"), version=version)
    client.force_login(staff(UNIT, "leader"))
    assert "有1篇知识库文章待您处理" in client.get("/").content.decode()
    page = client.get("/knowledge/").content.decode()
    assert "待我处理 (1)" in page and "问题0怎么办" in page
    response = client.post(f"/knowledge/{version.article_id}/versions/1/send-back/", {})
    assert "请写明原因" in client.get(response["Location"]).content.decode()
    client.post(f"/knowledge/{version.article_id}/versions/1/approve/")

    client.force_login(staff("福州市信访局", "reviewer"))
    page = client.get("/knowledge/").content.decode()
    assert "待我处理 (1)" in page and UNIT in page
    client.post(f"/knowledge/{version.article_id}/versions/1/publish/")
    version.refresh_from_db()
    assert version.state == "published"


def test_another_units_article_is_not_found_and_agents_have_no_page_N2(client, today):
    version = draft()
    client.force_login(staff("福州市城市管理委员会", "handler"))
    assert client.get(f"/knowledge/{version.article_id}/").status_code == 404
    assert client.post(f"/knowledge/{version.article_id}/versions/1/submit/").status_code == 404
    assert "问题0" not in client.get("/knowledge/").content.decode()
    client.force_login(User.objects.get(username="agent"))
    assert client.get("/knowledge/").status_code == 403


def test_expired_article_is_flagged_on_the_units_page_N2(client, today):
    published_article(effective_on=date(2026, 1, 1), review_by=date(2026, 11, 30))
    client.force_login(staff(UNIT, "handler"))
    page = client.get("/knowledge/?show=review").content.decode()
    assert "已过复核日期" in page
    article = Article.objects.get()
    page = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert "更新前不再用于直接答复" in page and "起草新版本" in page


def count(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_statements_do_not_grow_with_rows(client, today):
    """Issue 14's rule for the knowledge base's pages."""
    client.force_login(staff(UNIT, "handler"))
    first = draft(0)
    few_list = count(client, "/knowledge/?show=all")
    few_page = count(client, f"/knowledge/{first.article_id}/")
    for n in range(1, 6):
        draft(n)
        actions.edit_article(
            actor=staff(UNIT, "handler"),
            version=first,
            text=ArticleText(
                title=f"改{n}",
                question="问",
                answer="答",
                effective_on=date(2026, 12, 1),
                review_by=date(2027, 12, 1),
            ),
        )
    assert count(client, "/knowledge/?show=all") == few_list
    assert count(client, f"/knowledge/{first.article_id}/") == few_page

    def publish_and_draft_the_next(version, n):
        handler, leader = staff(UNIT, "handler"), staff(UNIT, "leader")
        actions.submit_article(actor=handler, version=version)
        actions.approve_article(actor=leader, version=version)
        actions.publish_article(actor=staff("福州市信访局", "reviewer"), version=version)
        return actions.draft_article(
            actor=handler,
            article=version.article,
            text=ArticleText(
                title=f"第{n}版",
                question="问",
                answer="答",
                effective_on=date(2026, 12, 1),
                review_by=date(2027, 12, 1),
            ),
        )

    version = publish_and_draft_the_next(first, 2)
    few_versions = count(client, f"/knowledge/{first.article_id}/")
    for n in range(3, 7):  # superseded versions pile up
        version = publish_and_draft_the_next(version, n)
    assert count(client, f"/knowledge/{first.article_id}/") == few_versions


def test_admin_reads_articles_but_cannot_change_their_history_N2(client, today):
    version = published_article()
    client.force_login(User.objects.get(username="admin"))
    page = client.get(f"/admin/knowledge/articleversion/{version.pk}/change/")
    assert page.status_code == 200 and "居住证续签" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    event_list = client.get("/admin/knowledge/articleevent/")
    assert event_list.status_code == 200
    assert client.get("/admin/knowledge/articleevent/add/").status_code == 403
