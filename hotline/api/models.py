"""API tokens: how another system (telephony, the provincial platform, a
department's own system) identifies itself to Hotline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.cases.models import Case
from hotline.organisation.models import Unit


class ApiToken(models.Model):
    """A per-integration token. It acts as `user` (an account of the
    integration, whose role grants in `unit` apply exactly as in the UI),
    in `unit` only, and only for the workflow actions listed in `actions`.
    What it reads is its read scope, `reads`: the cases it submitted
    itself, unless an administrator gave it its unit's cases.
    Only a hash of the key is kept; the key is shown once, when issued."""

    class Reads(models.TextChoices):
        SUBMITTED = "submitted", _("only the cases it submitted")
        UNIT = "unit", _("every case its unit and role may see")

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
    reads = models.CharField(
        _("reads"), max_length=20, choices=Reads.choices, default=Reads.SUBMITTED
    )
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

    @property
    def reads_unit(self) -> bool:
        return self.reads == self.Reads.UNIT


class TokenSubmission(models.Model):
    """A case a token submitted (register through the API, or an Open311
    post): what a token with the read scope "submitted" may read back."""

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="submissions")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="api_submission")

    def __str__(self):
        return f"{self.token} → {self.case_id}"


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
