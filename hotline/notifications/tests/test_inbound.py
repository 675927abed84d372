"""Inbound SMS (the gateway's signed webhook) and email (our SMTP receiver)."""

import json
import smtplib
from email.message import EmailMessage

import pytest

from hotline.cases.actions import RequesterDetails
from hotline.notifications.channels import sign
from hotline.notifications.mailbox import controller
from hotline.notifications.models import InboundMessage
from hotline.notifications.tests.servers import free_port
from hotline.organisation.models import User

pytestmark = pytest.mark.django_db
SECRET = "gateway-secret"


@pytest.fixture(autouse=True)
def secret(settings):
    settings.SMS_GATEWAY_SECRET = SECRET


def post_sms(client, payload, secret=SECRET):
    body = json.dumps(payload, ensure_ascii=False).encode()
    return client.post(
        "/channels/sms/inbound/",
        body,
        content_type="application/json",
        HTTP_X_HOTLINE_SIGNATURE=sign(secret, body),
    )


def test_an_sms_becomes_a_draft_for_the_service_center_R2_R5(client, clock):
    clock("2026-11-26 10:00")
    response = post_sms(client, {"id": "gw-1", "from": "+86 139 0000 1111", "text": "路灯坏了"})
    assert response.status_code == 201
    draft = InboundMessage.objects.get()
    assert (draft.sender, draft.case) == ("13900001111", None)
    client.force_login(User.objects.get(username="agent"))
    page = client.get("/").content.decode()
    assert "路灯坏了" in page and f"?draft={draft.pk}" in page
    form = client.get(f"/intake/?draft={draft.pk}").content.decode()
    assert "13900001111" in form and "路灯坏了" in form


def test_the_gateway_retrying_makes_one_draft(client):
    payload = {"id": "gw-2", "from": "13900001111", "text": "重复投递"}
    assert post_sms(client, payload).status_code == 201
    again = post_sms(client, payload)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert InboundMessage.objects.count() == 1


def test_a_bad_signature_is_refused_and_logged(client, caplog):
    response = post_sms(client, {"id": "gw-3", "from": "139", "text": "伪造"}, secret="wrong")
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert "bad signature" in caplog.text


def test_a_reply_from_a_number_with_an_open_case_is_threaded_into_it(client, clock, flow):
    clock("2026-11-26 10:00")
    case = flow.phone_case(channel="sms", requester=RequesterDetails(phone="13900001111"))
    response = post_sms(
        client, {"id": "gw-4", "from": "13900001111", "text": "补充：晚上十点后最吵"}
    )
    assert response.json()["case"] == case.number
    event = case.events.get(action="requester_message")
    assert event.details["text"] == "补充：晚上十点后最吵"
    assert case.staff_notifications.filter(user__username="agent").exists()


def test_an_email_with_an_attachment_arrives_through_smtp(transactional_db, committed_demo):
    port = free_port()
    receiver = controller("127.0.0.1", port)
    receiver.start()
    try:
        mail = EmailMessage()
        mail["From"], mail["To"] = "周先生 <zhou@example.com>", "12345@fuzhou.gov.cn"
        mail["Subject"], mail["Message-ID"] = "噪音投诉", "<m1@example.com>"
        mail.set_content("工地夜间施工，照片见附件。")
        mail.add_attachment(
            b"\x89PNG\r\n\x1a\nfake", maintype="image", subtype="png", filename="photo.png"
        )
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(mail)
            smtp.send_message(mail)  # a resend: still one message
    finally:
        receiver.stop()
    inbound = InboundMessage.objects.get()
    assert (inbound.channel, inbound.sender, inbound.subject) == (
        "email",
        "zhou@example.com",
        "噪音投诉",
    )
    assert inbound.text == "工地夜间施工，照片见附件。"
    attachment = inbound.attachments.get()
    assert attachment.name == "photo.png" and attachment.file.read().startswith(b"\x89PNG")
