"""Requester message templates in the administration: listed, edited,
previewed for a sample case, refused when they could not be filled in."""

import pytest

from hotline.notifications.models import Message, MessageTemplate
from hotline.notifications.outbox import render

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, person):
    client.force_login(person("admin"))
    return client


def test_every_template_is_listed_in_the_administration(admin_client):
    page = admin_client.get("/admin/notifications/messagetemplate/").content.decode()
    for template in MessageTemplate.objects.all():
        assert f"/admin/notifications/messagetemplate/{template.pk}/change/" in page


def test_the_change_page_previews_the_template_for_a_sample_case(admin_client, settings):
    template = MessageTemplate.objects.get(kind=Message.Kind.ACKNOWLEDGEMENT)
    page = admin_client.get(f"/admin/notifications/messagetemplate/{template.pk}/change/")
    text = page.content.decode()
    assert 'data-testid="template-preview"' in text
    assert "7K2M9Q" in text and settings.HOTLINE_CASE_PREFIX in text  # the sample code and number
    assert "{code}" in text and "{number}" in text  # the variables it may use


def test_an_edit_takes_effect_and_a_bad_one_is_refused_with_the_text_kept(admin_client):
    template = MessageTemplate.objects.get(kind=Message.Kind.ACKNOWLEDGEMENT)
    url = f"/admin/notifications/messagetemplate/{template.pk}/change/"
    answer = admin_client.post(url, {"text": "您的诉求{number}已受理，查询码{code}。"})
    assert answer.status_code == 302
    assert (
        render(Message.Kind.ACKNOWLEDGEMENT, number="N", code="C") == "您的诉求N已受理，查询码C。"
    )
    for bad in ("您的诉求{number已受理", "您的诉求{unit}已受理", "您的诉求{number:d}已受理"):
        answer = admin_client.post(url, {"text": bad})
        assert answer.status_code == 200 and bad in answer.content.decode(), bad
    template.refresh_from_db()
    assert template.text == "您的诉求{number}已受理，查询码{code}。"


def test_templates_are_neither_added_nor_deleted_by_hand(admin_client):
    template = MessageTemplate.objects.first()
    assert admin_client.get("/admin/notifications/messagetemplate/add/").status_code == 403
    assert (
        admin_client.get(f"/admin/notifications/messagetemplate/{template.pk}/delete/").status_code
        == 403
    )
