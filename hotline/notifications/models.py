"""The outbox and the inbox.

Every message to send is a row first, written in the same transaction as the
action that caused it; a job delivers it afterwards. Nothing is sent for an
action that rolled back, and nothing is lost when a worker dies: a message
being sent is leased, and a lease that runs out puts it back in line. Each
message carries a key the SMS gateway uses to drop a repeat, so a message
sent again after a crash reaches the phone once.

Inbound messages (SMS from the gateway, email to the hotline's mailbox) are
rows too, unique by the sender's message id, so a gateway's retry makes one
draft, not two."""

import string
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.reference.models import KeptEverywhere


class Message(models.Model):
    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("acknowledgement")
        REFUSAL = "refusal", _("refusal")
        DECLINED = "declined", _("repeat declined")
        INTERNAL_HANDLING = "internal_handling", _("internal handling notice")
        RESULT = "result", _("result")
        DISPATCHED = "dispatched", _("new case for the unit")
        BREACHED = "breached", _("deadline missed")
        DIRECT_ANSWER = "direct_answer", _("direct answer")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10)
    # As long as any address the requester may give (an email: 254).
    recipient = models.CharField(_("recipient"), max_length=254)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def carries_query_code(self) -> bool:
        """The requester's private query code is in the text: staff pages
        never show it (a direct answer gives it so that it can be rated)."""
        return self.kind in (self.Kind.ACKNOWLEDGEMENT, self.Kind.DIRECT_ANSWER)


class MessageTemplate(KeptEverywhere):
    """What a requester reads, editable by administrators. The variables a
    template may use are fixed per kind and checked when it is saved."""

    VARIABLES = {
        Message.Kind.ACKNOWLEDGEMENT: {"number", "code"},
        Message.Kind.REFUSAL: {"number", "reason"},
        Message.Kind.DECLINED: {"number", "count"},
        Message.Kind.INTERNAL_HANDLING: {"number", "unit"},
        Message.Kind.RESULT: {"number", "result", "rating_url"},
        Message.Kind.DISPATCHED: {"number", "unit", "due"},
        Message.Kind.BREACHED: {"number", "unit", "deadline"},
        Message.Kind.DIRECT_ANSWER: {"number", "code", "result", "rating_url"},
    }

    kind = models.CharField(_("kind"), max_length=30, choices=Message.Kind.choices, unique=True)
    text = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        allowed = self.VARIABLES.get(self.kind, set())
        try:
            used = {
                name for _lit, name, _spec, _conv in string.Formatter().parse(self.text) if name
            }
        except ValueError:
            raise ValidationError(
                {"text": _("Unbalanced braces: write variables as {number}.")}
            ) from None
        unknown = sorted(used - allowed)
        if unknown:
            raise ValidationError(
                {
                    "text": _("Unknown variables %(unknown)s; this template may use %(allowed)s.")
                    % {
                        "unknown": "、".join("{" + u + "}" for u in unknown),
                        "allowed": "、".join("{" + a + "}" for a in sorted(allowed)),
                    }
                }
            )
        try:
            self.render(**{name: "" for name in allowed})
        except (ValueError, IndexError, KeyError, AttributeError):
            raise ValidationError(
                {"text": _("This text cannot be filled in: write variables as {number}.")}
            ) from None

    def render(self, **values) -> str:
        return self.text.format(**values)


class StaffNotification(models.Model):
    """An in-app notice for a member of staff; unread until opened."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, related_name="staff_notifications"
    )
    text = models.CharField(_("text"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Makes a reminder idempotent: one per clock and reason.
    dedupe = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("staff notification")
        verbose_name_plural = _("staff notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe"],
                condition=~models.Q(dedupe=""),
                name="one_notification_per_reason",
            )
        ]

    def __str__(self):
        return self.text


class CallbackTask(models.Model):
    """A phone case's message, for an agent to read out on a call back."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="callback")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("call back")
        verbose_name_plural = _("call backs")

    def __str__(self):
        return str(self.message)


class InboundMessage(models.Model):
    """An SMS or email from the public, as received. Either threaded into the
    sender's open case, or a draft for the service center to register."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("email")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    external_id = models.CharField(_("message id"), max_length=200)
    sender = models.CharField(_("sender"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    received_at = models.DateTimeField(_("received at"))
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("threaded into"),
    )
    registered_case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="one_inbound_per_external_id"
            )
        ]

    def __str__(self):
        return f"{self.sender}: {self.text[:30]}"


class InboundAttachment(models.Model):
    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="inbound/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)

    def __str__(self):
        return self.name
