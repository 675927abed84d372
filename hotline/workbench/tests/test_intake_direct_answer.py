"""The intake page asks the request type (N1) and offers the articles that
answer the caller's question, to answer directly and close (N3) or to
attach as a hint when forwarding."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hotline.cases.models import Case
from hotline.knowledge.tests.factories import published_article
from hotline.knowledge.workflow import VersionState

from .test_workbench import intake_data, login

pytestmark = pytest.mark.django_db

QUESTION = "居住证 续签"


def test_the_request_type_is_required_at_intake_N1(client, clock):
    clock("2026-11-26 10:00")
    data = intake_data()
    del data["request_type"]
    response = login(client, "agent").post("/intake/", data)
    assert response.status_code == 400 and "请选择诉求类型" in response.content.decode()
    assert not Case.objects.exists()


def test_the_request_type_chosen_at_intake_is_the_cases_N1(client, clock):
    clock("2026-11-26 10:00")
    login(client, "agent").post("/intake/", intake_data(request_type="complaint"))
    case = Case.objects.get()
    assert case.request_type.code == "complaint"
    assert "投诉" in client.get(f"/cases/{case.number}/").content.decode()


def test_the_intake_page_offers_the_six_types_in_order_as_radios_N1(client):
    page = login(client, "agent").get("/intake/").content.decode()
    labels = [f'value="{code}"' for code in ("consultation", "help", "complaint", "report")]
    found = [page.index(label) for label in labels]
    assert found == sorted(found)
    assert 'type="radio" name="request_type"' in page


def test_matching_current_articles_show_beside_the_form_N3(client):
    current = published_article()
    published_article(
        title="居住证续签（旧）",
        effective_on=timezone.localdate() - timedelta(days=400),
        review_by=timezone.localdate() - timedelta(days=1),
    )
    published_article(title="居住证续签（草稿）", state=VersionState.DRAFT)
    page = login(client, "agent").get("/intake/articles/", {"content": QUESTION}).content.decode()
    assert current.title in page and "福州市公安局" in page
    assert f"复核期限{current.review_by:%Y-%m-%d}" in page
    assert "用此条答复并办结" in page and "按F2键" in page
    assert "（旧）" not in page and "（草稿）" not in page


def test_only_agents_see_the_articles_at_intake_N3(client):
    assert login(client, "city_dispatcher").get("/intake/articles/").status_code == 403


def test_answering_with_an_article_closes_the_case_and_says_where_the_answer_went_N3(client, clock):
    clock("2026-11-26 10:00")
    version = published_article()
    data = intake_data(content="我的居住证要续签，需要带什么？", answer_with=version.pk)
    del data["request_type"], data["disclosure_allowed"]  # one key: nothing more to answer
    response = login(client, "agent").post("/intake/", data, follow=True)
    case = Case.objects.get()
    assert (case.state, case.answered_with, case.request_type.code) == (
        "closed",
        version,
        "consultation",
    )
    page = response.content.decode()
    assert "已依据知识库直接答复并办结" in page and "已通过短信发送至13805912345" in page
    assert 'data-testid="answered-with"' in page and "第1版" in page
    # The SMS carries the private query code: staff read that it is not shown.
    code = re.search(r"查询码(\w+)", case.messages.get().text).group(1)
    assert code not in page and "含诉求人的查询码，不予显示" in page


def test_a_landline_caller_is_given_the_query_code_to_rate_N3(client, clock):
    clock("2026-11-26 10:00")
    version = published_article()
    data = intake_data(phone="0591-87654321", request_type="consultation", answer_with=version.pk)
    response = login(client, "agent").post("/intake/", data, follow=True)
    page = response.content.decode()
    assert "请向其读出答复内容" in page and "查询码" in page


def test_an_expired_article_cannot_be_answered_with_at_intake_N3(client, clock):
    clock("2026-11-26 10:00")
    today = timezone.localdate()
    expired = published_article(
        effective_on=today - timedelta(days=400), review_by=today - timedelta(days=1)
    )
    data = intake_data(request_type="consultation", answer_with=expired.pk)
    response = login(client, "agent").post("/intake/", data)
    assert response.status_code == 400 and "已过复核日期" in response.content.decode()
    assert not Case.objects.exists()


def test_a_complaint_is_not_answered_directly_N1_N3(client, clock):
    clock("2026-11-26 10:00")
    version = published_article()
    response = login(client, "agent").post(
        "/intake/", intake_data(request_type="complaint", answer_with=version.pk)
    )
    assert response.status_code == 400 and "只有咨询类诉求可以直接答复" in response.content.decode()
    assert not Case.objects.exists()


def test_forwarding_with_an_article_as_a_hint_shows_it_to_the_city_bureau_N3(client, clock):
    clock("2026-11-26 10:00")
    version = published_article()
    login(client, "agent").post(
        "/intake/", intake_data(request_type="consultation", hint=version.pk)
    )
    case = Case.objects.get()
    assert case.state == "screening" and case.answered_with is None
    login(client, "city_dispatcher")
    for path in (f"/cases/{case.number}/", f"/cases/{case.number}/screen/"):
        page = client.get(path).content.decode()
        assert 'data-testid="article-hint"' in page and version.title in page, path


def test_a_bad_article_number_is_answered_next_to_the_form_N3(client, clock):
    clock("2026-11-26 10:00")
    response = login(client, "agent").post("/intake/", intake_data(answer_with="abc"))
    assert response.status_code == 400 and "输入整数" in response.content.decode()
    response = client.post("/intake/", intake_data(answer_with=987654))
    assert response.status_code == 400 and "该知识条目已不存在" in response.content.decode()
    assert not Case.objects.exists()


def test_a_fax_answered_directly_keeps_its_scanned_page_N3(client, clock):
    """N3, R5: a direct answer is registered as any case; the fax's scan
    the agent attached is kept with it, not dropped on the floor."""
    clock("2026-11-26 10:00")
    version = published_article()
    scan = SimpleUploadedFile("fax.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    data = intake_data(channel="fax", content="居住证续签要带什么？", answer_with=version.pk)
    del data["request_type"], data["disclosure_allowed"]
    response = login(client, "agent").post("/intake/", {**data, "attachment": scan})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.answered_with == version
    assert case.attachments.count() == 1
