"""The outbox delivered through real peers on loopback: an HTTP SMS gateway
and an SMTP server (aiosmtpd)."""

from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.exceptions import ValidationError
from django.utils import timezone

from hotline.cases import actions
from hotline.cases.actions import PartPlan, RequesterDetails
from hotline.cases.clocks import breach_due_clocks, daily_summary, remind_due_soon
from hotline.cases.querycode import matches
from hotline.cases.tests.conftest import at, unit
from hotline.notifications import delivery
from hotline.notifications.models import CallbackTask, Message, MessageTemplate, StaffNotification
from hotline.notifications.tests.servers import SmsGateway, free_port
from hotline.organisation.models import User

pytestmark = pytest.mark.django_db
CGW = "福州市城市管理委员会"


@pytest.fixture
def gateway(settings):
    with SmsGateway() as server:
        settings.HOTLINE_CHANNELS = {
            **settings.HOTLINE_CHANNELS,
            "sms": {
                "backend": "hotline.notifications.channels.SmsGateway",
                "options": {"url": server.url, "secret": server.secret},
            },
        }
        yield server


class Inbox:
    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.HOTLINE_CHANNELS = {
        **settings.HOTLINE_CHANNELS,
        "email": {"backend": "hotline.notifications.channels.EmailChannel"},
        "fax": {
            "backend": "hotline.notifications.channels.FaxChannel",
            "options": {"domain": "fax.example.gov.cn"},
        },
    }
    yield inbox
    controller.stop()


def test_an_sms_reaches_the_gateway_signed_R5(flow, clock, gateway):
    clock("2026-11-26 10:00")
    case = flow.phone_case(channel="sms")
    message = case.messages.get(kind="acknowledgement")
    assert delivery.deliver(message.pk) == "sent"
    headers, _body, signed = gateway.requests[0]
    assert signed and headers["Idempotency-Key"] == str(message.key)
    assert gateway.delivered[str(message.key)]["to"] == "13805912345"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)


@pytest.mark.parametrize(
    "spelling",
    [
        "13805912345",
        "138 0591 2345",
        "+86 138-0591-2345",
        "0086 13805912345",
        "１３８０５９１２３４５",
    ],
)
def test_a_phone_caller_with_a_mobile_gets_the_number_and_query_code_by_sms_R5(
    flow, clock, gateway, spelling
):
    """Issue 15: a phone caller can follow the case online only with the
    query code, which nobody can tell them after the call."""
    clock("2026-11-26 10:00")
    case = flow.phone_case(channel="phone", requester=RequesterDetails(phone=spelling))
    assert delivery.deliver_due() == 1
    (sms,) = gateway.delivered.values()
    assert sms["to"] == "13805912345"
    assert case.number in sms["text"] and case.query_code in sms["text"]
    assert matches(case.query_code, case.query_code_hash)  # the code the portal accepts


@pytest.mark.parametrize(
    ("channel", "requester"),
    [
        ("phone", RequesterDetails(phone="0591-87654321")),
        ("phone", RequesterDetails(phone="(0591) 8765 4321")),
        ("phone", RequesterDetails(phone="87654321")),
        ("phone", RequesterDetails(phone="+86 591 8765 4321")),
        ("email", RequesterDetails(email="qian@example.com")),
    ],
)
def test_no_sms_without_a_mobile_R5(flow, clock, gateway, settings, channel, requester):
    """A landline caller hears the query code on the call; a requester who
    gave no number gets no SMS."""
    settings.HOTLINE_CHANNELS = {
        **settings.HOTLINE_CHANNELS,
        "email": {"backend": "hotline.notifications.channels.LogChannel"},
    }
    clock("2026-11-26 10:00")
    case = flow.phone_case(channel=channel, requester=requester)
    delivery.deliver_due()
    assert gateway.requests == []
    assert not case.messages.filter(channel="sms").exists()


def test_a_failing_gateway_is_retried_with_backoff_and_sends_once(flow, clock, gateway):
    clock("2026-11-26 10:00")
    message = flow.phone_case(channel="sms").messages.get()
    gateway.fail_next = 2
    assert delivery.deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == "pending" and "503" in message.last_error
    assert message.next_attempt_at == at("2026-11-26 10:01")
    assert delivery.deliver_due() == 0  # not yet due
    clock("2026-11-26 10:01")
    assert delivery.deliver_due() == 0  # failed again: now wait 2 minutes
    clock("2026-11-26 10:03")
    assert delivery.deliver_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")
    assert len(gateway.requests) == 3 and len(gateway.delivered) == 1


def test_a_message_that_keeps_failing_is_marked_failed_and_shown(flow, clock, gateway):
    clock("2026-11-26 10:00")
    message = flow.phone_case(channel="sms").messages.get()
    gateway.fail_next = 100
    for _attempt in range(len(delivery.BACKOFF_MINUTES) + 1):
        delivery.deliver(message.pk)
        message.refresh_from_db()
        if message.next_attempt_at:
            clock(timezone.localtime(message.next_attempt_at).strftime("%Y-%m-%d %H:%M:%S"))
    assert message.status == "failed" and message.attempts == len(delivery.BACKOFF_MINUTES) + 1


def test_nothing_is_sent_for_an_action_that_rolled_back(flow, clock, gateway):
    from django.db import transaction

    clock("2026-11-26 10:00")
    with pytest.raises(RuntimeError), transaction.atomic():
        flow.phone_case(channel="sms")
        raise RuntimeError("the action failed after queueing its message")
    assert not Message.objects.exists()
    assert delivery.deliver_due() == 0 and gateway.requests == []


def test_a_dead_workers_lease_runs_out_and_the_repeat_is_dropped(flow, clock, gateway):
    """A worker that died mid-send leaves the message leased; when the lease
    runs out it is sent again with the same key, and reaches the phone once."""
    clock("2026-11-26 10:00")
    message = flow.phone_case(channel="sms").messages.get()
    leased = delivery._lease(message.pk)
    from hotline.notifications.channels import channel

    channel("sms").send(leased)  # the gateway got it; then the worker died
    assert delivery.deliver_due() == 0  # leased: nobody else sends it
    clock("2026-11-26 10:03")
    assert delivery.deliver_due() == 1
    assert len(gateway.requests) == 2 and len(gateway.delivered) == 1


def test_email_and_fax_go_through_smtp_R9(flow, clock, smtp):
    clock("2026-11-26 10:00")
    email_case = flow.phone_case(
        channel="email", requester=RequesterDetails(name="钱先生", email="qian@example.com")
    )
    fax_case = flow.phone_case(channel="fax", requester=RequesterDetails(phone="0591-87654321"))
    actions.refuse_case(actor=flow.city_dispatcher, case=fax_case, reason=5)
    assert delivery.deliver_due() == 3  # two acknowledgements and the refusal
    recipients = sorted(r for mail in smtp.mails for r in mail.rcpt_tos)
    assert recipients == ["059187654321@fax.example.gov.cn"] * 2 + ["qian@example.com"]
    ack = email_case.messages.get()
    raw = next(m for m in smtp.mails if m.rcpt_tos == ["qian@example.com"]).content.decode()
    assert f"Message-ID: <{ack.key}@hotline>" in raw


def test_a_phone_case_result_becomes_a_call_back_for_the_agents_R9(flow, clock, client):
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(channel="phone"), CGW)
    flow.handle(assignment)
    flow.review(assignment.part)
    flow.close(assignment.case)
    delivery.deliver_due()
    task = CallbackTask.objects.get()
    assert task.message.kind == "result"
    client.force_login(User.objects.get(username="agent"))
    assert assignment.case.number in client.get("/").content.decode()


def test_templates_are_editable_and_their_variables_checked_on_save(flow, clock):
    template = MessageTemplate.objects.get(kind="acknowledgement")
    template.text = "编号{number}，{whatever}"
    with pytest.raises(ValidationError, match="whatever"):
        template.full_clean()
    template.text = "【福州12345】已收到您的诉求，编号{number}。"
    template.full_clean()
    template.save()
    clock("2026-11-26 10:00")
    case = flow.phone_case(channel="sms")
    assert case.messages.get().text == f"【福州12345】已收到您的诉求，编号{case.number}。"


def test_a_new_dispatch_tells_the_unit_in_app_and_by_sms(flow, clock):
    handler = User.objects.get(username="city_handler")
    handler.mobile = "13900000001"
    handler.save()
    clock("2026-11-26 10:00")
    assignment = flow.to(flow.phone_case(), CGW)
    notices = StaffNotification.objects.filter(case=assignment.case)
    assert {n.user.username for n in notices} == {"city_handler", "city_leader"}
    sms = Message.objects.get(kind="dispatched")
    # The reply is due by the end of 12-10, its last working day (D1), not "12-11 00:00".
    assert sms.recipient == "13900000001" and "2026-12-10 24:00" in sms.text


def test_missed_deadlines_and_half_day_reminders_reach_the_unit(flow, clock, client):
    clock("2026-11-26 10:00")
    flow.to(flow.phone_case(), CGW)
    StaffNotification.objects.all().delete()
    clock("2026-11-30 13:00")  # the read clock ends at midnight: 11 hours left
    assert remind_due_soon() == 1
    assert remind_due_soon() == 1  # run again: still one notice per person
    assert StaffNotification.objects.filter(user__username="city_handler").count() == 1
    clock("2026-12-01 00:01")
    breach_due_clocks()
    texts = list(
        StaffNotification.objects.filter(user__username="city_handler").values_list(
            "text", flat=True
        )
    )
    assert any("超时" in t for t in texts)
    # The read clock's last day is 11-30: the reminder says so (D1).
    assert any("11-30 24:00" in t for t in texts)
    client.force_login(User.objects.get(username="city_handler"))
    page = client.get("/").content.decode()
    assert 'data-testid="unread"' in page and ">2<" in page
    client.get("/notifications/")
    assert 'data-testid="unread"' not in client.get("/").content.decode()


def test_the_daily_summary_counts_tomorrows_deadlines_once(flow, clock):
    clock("2026-11-26 10:00")
    flow.to(flow.phone_case(), CGW)
    with time_machine.travel(at("2026-11-27 08:00"), tick=False):
        assert daily_summary() >= 1
        daily_summary()
    notices = StaffNotification.objects.filter(
        user__username="city_handler", dedupe__startswith="summary"
    )
    assert notices.count() == 1 and "2026-11-30" in notices.get().text


def test_a_breach_notice_is_written_with_the_breach(flow, clock):
    clock("2026-11-26 10:00")
    flow.to(flow.phone_case(), CGW)
    clock("2026-12-01 00:01")
    report = breach_due_clocks()
    assert report.breached == 1
    assert StaffNotification.objects.filter(text__contains="超时").count() == 2  # handler, leader
    assert timedelta(0) < timezone.now() - at("2026-12-01 00:00")


def test_dispatch_to_a_unit_without_mobiles_sends_no_sms(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    flow.accept(case)
    flow.dispatch(case, PartPlan(sole=unit("福州市公安局")))
    assert not Message.objects.filter(kind="dispatched").exists()
