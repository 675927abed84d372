"""The outbox: every message to send is a row first, written in the same
transaction as the action that caused it (delivery comes with the
notifications issue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("acknowledgement")
        REFUSAL = "refusal", _("refusal")
        DECLINED = "declined", _("repeat declined")
        INTERNAL_HANDLING = "internal_handling", _("internal handling notice")
        RESULT = "result", _("result")
        ESCALATION = "escalation", _("escalation")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10)
    recipient = models.CharField(_("recipient"), max_length=200)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"
