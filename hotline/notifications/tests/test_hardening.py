"""Odd and hostile input on the channels, and workers that outlive their
lease: found by a review, kept as tests."""

import http.client
import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from hotline.cases.actions import RequesterDetails
from hotline.notifications import delivery
from hotline.notifications.channels import ChannelError, sign
from hotline.notifications.inbound import receive_email
from hotline.notifications.models import CallbackTask, InboundMessage, Message
from hotline.organisation.models import User

pytestmark = pytest.mark.django_db
SECRET = "gateway-secret"


@pytest.mark.parametrize("sender", [b"<>", b"Bob <>", b"", b"Undisclosed recipients:;"])
def test_a_mail_without_a_sender_is_never_threaded_into_a_case(flow, clock, sender):
    clock("2026-11-26 10:00")
    flow.web_case(content="小区路灯坏了。")
    raw = b"From: " + sender + b"\r\nSubject: hi\r\nMessage-ID: <x1@evil>\r\n\r\ncancel my case\r\n"
    message, _created = receive_email(raw)
    assert message.case is None


def test_email_is_threaded_only_from_the_requester_naming_the_case(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case(
        channel="email", requester=RequesterDetails(name="钱", email="qian@example.com")
    )
    forged, _ = receive_email(
        b"From: qian@example.com\r\nMessage-ID: <a@x>\r\n\r\nplease close it\r\n"
    )
    assert forged.case is None  # a From line alone proves nothing
    reply, _ = receive_email(
        f"From: Qian <QIAN@example.com>\r\nSubject: Re: {case.number}\r\nMessage-ID: <b@x>\r\n"
        "\r\nmore details\r\n".encode()
    )
    assert reply.case == case


def test_a_forwarded_mail_as_attachment_is_kept():
    raw = (
        b"From: a@example.com\r\nMessage-ID: <x2@example.com>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
        b"see attached\r\n--B\r\nContent-Type: message/rfc822\r\n"
        b"Content-Disposition: attachment\r\n\r\nFrom: b@example.com\r\nSubject: old\r\n\r\n"
        b"old body\r\n--B--\r\n"
    )
    message, _ = receive_email(raw)
    assert b"old body" in message.attachments.get().file.read()


def test_a_mail_without_message_id_sent_twice_is_one_message():
    raw = b"From: a@example.com\r\nSubject: x\r\n\r\nsame mail\r\n"
    assert receive_email(raw)[1] is True and receive_email(raw)[1] is False


@pytest.mark.parametrize("when", ["2026-11-26T25:00:00+08:00", 12345, "2026-11-26T10:00:00"])
def test_a_signed_sms_with_an_odd_time_is_still_stored(settings, when):
    settings.SMS_GATEWAY_SECRET = SECRET
    body = json.dumps({"id": f"g{when}", "from": "13900001111", "text": "x", "received_at": when})
    response = Client(raise_request_exception=False).post(
        "/channels/sms/inbound/",
        body,
        content_type="application/json",
        HTTP_X_HOTLINE_SIGNATURE=sign(SECRET, body.encode()),
    )
    assert response.status_code == 201


class Slow:
    """Worker A's send hangs past its lease; worker B takes over and sends;
    then A's connection fails."""

    def __init__(self, **options):
        pass

    def send(self, message):
        if message.attempts == 1:
            with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
                assert delivery.deliver(message.pk) == "sent"
            raise ChannelError("timed out")


class Broken:
    def __init__(self, **options):
        pass

    def send(self, message):
        raise http.client.BadStatusLine("garbage")


def use(settings, backend):
    settings.HOTLINE_CHANNELS = {
        **settings.HOTLINE_CHANNELS,
        "sms": {"backend": f"hotline.notifications.tests.test_hardening.{backend}"},
    }


def test_a_worker_past_its_lease_cannot_undo_anothers_send(flow, clock, settings):
    clock("2026-11-26 10:00")
    use(settings, "Slow")
    message = flow.web_case().messages.get(kind="acknowledgement")
    delivery.deliver(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)


def test_any_error_of_a_channel_is_a_failed_attempt(flow, clock, settings):
    clock("2026-11-26 10:00")
    use(settings, "Broken")
    message = flow.web_case().messages.get(kind="acknowledgement")
    for hours in range(1, 13):
        with time_machine.travel(timezone.now() + timedelta(hours=3 * hours), tick=False):
            delivery.deliver_due()
    message.refresh_from_db()
    assert message.status == "failed" and "BadStatusLine" in message.last_error


def test_only_agents_mark_a_call_back_done(flow, clock, client):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(channel="phone"), "福州市城市管理委员会")
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(assignment.case)
    delivery.deliver_due()
    task = CallbackTask.objects.get()
    client.force_login(User.objects.get(username="city_handler"))
    assert client.post(f"/callbacks/{task.pk}/done/").status_code in (403, 404)
    nobody = User.objects.create_user(username="nobody", password="pw-123456x", name="无")
    client.force_login(nobody)
    assert client.post(f"/callbacks/{task.pk}/done/").status_code == 403
    client.force_login(User.objects.get(username="agent"))
    assert client.post(f"/callbacks/{task.pk}/done/").status_code == 302
    assert Message.objects.get(pk=task.message_id).callback.done_at is not None


# An outside re-test of issue 12: what PostgreSQL cannot store (NUL, a lone
# surrogate, a value longer than its column) was a 500 to the gateway, which
# retries it for ever, and a 451 to a mail server, which bounces it after
# days: the message was lost. It is stored, cleaned.


def post_signed(settings, payload):
    settings.SMS_GATEWAY_SECRET = SECRET
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return Client(raise_request_exception=False).post(
        "/channels/sms/inbound/",
        body,
        content_type="application/json",
        HTTP_X_HOTLINE_SIGNATURE=sign(SECRET, body),
    )


@pytest.mark.parametrize(
    ("payload", "sender", "text"),
    [
        ({"id": "n1", "from": "13900001111", "text": "路灯\x00坏了"}, "13900001111", "路灯坏了"),
        ({"id": "n2\x00", "from": "139\x0000001111", "text": "x"}, "13900001111", "x"),
        (b'{"id": "n3", "from": "13900001111", "text": "a\\ud800b"}', "13900001111", "a\ufffdb"),
        ({"id": "n4", "from": "1" * 300, "text": "x"}, "1" * 254, "x"),
    ],
)
def test_an_sms_the_database_cannot_store_as_sent_is_stored_cleaned(
    settings, payload, sender, text
):
    response = post_signed(settings, payload)
    assert response.status_code == 201
    message = InboundMessage.objects.get()
    assert (message.sender, message.text) == (sender, text)


def test_an_overlong_gateway_id_still_makes_one_message(settings):
    payload = {"id": "g" * 300, "from": "13900001111", "text": "重复投递"}
    assert post_signed(settings, payload).status_code == 201
    again = post_signed(settings, payload)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [{"id": "t1", "from": "139", "text": None}, {"id": "t2", "from": ["139"], "text": "x"}],
)
def test_an_sms_without_text_or_sender_is_refused(settings, payload):
    assert post_signed(settings, payload).status_code == 400
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"From: a@example.com\r\nMessage-ID: <" + b"x" * 300 + b"@e>\r\nSubject: x\r\n\r\nbody\r\n",
        b"From: " + b"a" * 300 + b"@example.com\r\nSubject: x\r\n\r\nbody\r\n",
        b"From: a@example.com\r\nSubject: x\x00y\r\n\r\nbo\x00dy\r\n",
        b"From: a@example.com\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nbody\r\n",
        b"From: a@example.com\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n"
        b"--zz\r\nContent-Type: text/plain\r\n\r\nbody\r\n--zz\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="a\x00b.pdf"\r\n\r\n%PDF-1.4\r\n--zz--\r\n',
    ],
)
def test_an_odd_mail_is_stored(raw):
    message, created = receive_email(raw)
    assert created
    message.refresh_from_db()
    assert "body" in message.text and "\x00" not in message.subject
