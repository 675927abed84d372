"""Words people read in place of codes and of Django's English punctuation
(issue 15); the browser test in test_every_page_in_words.py reads every page."""

import pytest
from django.utils import translation

from hotline.portal.forms import RateForm, SubmitForm

pytestmark = pytest.mark.django_db


def test_accepting_a_case_reads_as_accepting_it_in_the_timeline(flow, client):
    """受理 is not "已同意", which answers a return request."""
    from hotline.organisation.models import User

    case = flow.phone_case()
    flow.accept(case)
    client.force_login(User.objects.get(username="city_dispatcher"))
    timeline = client.get(f"/cases/{case.number}/").content.decode()
    assert "受理 · 林志强" in timeline and "已同意" not in timeline


def test_chinese_labels_end_with_a_chinese_colon_and_a_question_with_none():
    with translation.override("zh-hans"):
        submit, rate = SubmitForm(), RateForm()
        assert submit["content"].label_tag().endswith("您要反映什么问题？</label>")
        assert submit["category"].label_tag().endswith("类别：</label>")
        assert rate["satisfaction"].label_tag().endswith("是否满意？</label>")
    with translation.override("en"):
        assert SubmitForm()["category"].label_tag().endswith("Category:</label>")


def test_the_public_statistics_count_requests_under_a_count_heading(client):
    page = client.get("/portal/statistics/").content.decode()
    assert "<th>受理量</th>" in page and "<th>受理时间</th>" not in page


def test_a_message_to_the_requester_names_its_channel_in_words(flow, client):
    from hotline.organisation.models import User

    case = flow.web_case()
    client.force_login(User.objects.get(username="city_dispatcher"))
    outbox = client.get(f"/cases/{case.number}/").content.decode()
    assert "受理回执 · 短信" in outbox and " sms " not in outbox
