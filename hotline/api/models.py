"""API tokens: how another system (telephony, the provincial platform, a
department's own system) identifies itself to Hotline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.organisation.models import Unit


class ApiToken(models.Model):
    """A per-integration token. It acts as `user` (an account of the
    integration, whose role grants in `unit` apply exactly as in the UI),
    in `unit` only, and only for the workflow actions listed in `actions`.
    Only a hash of the key is kept; the key is shown once, when issued."""

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("acts as"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("unit")
    )
    actions = models.JSONField(_("allowed actions"), default=list, blank=True)
    # The key's first characters, to tell tokens apart in lists and logs.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def allows(self, action: str) -> bool:
        return self.revoked_at is None and action in self.actions


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an `Idempotency-Key`, kept so
    that a retry with the same key and body gets the same answer and the
    action happens once. `status` is empty while the first request runs."""

    # "token:<id>" or "user:<id>": keys are per caller, never shared.
    owner = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    response = models.TextField(blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="one_idempotency_key_per_owner")
        ]

    def __str__(self):
        return f"{self.owner} {self.key}"
