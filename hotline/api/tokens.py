"""Issuing, checking and revoking API tokens. A key reads
`hl_<prefix>_<secret>`; the prefix finds the row, the secret's SHA-256 is
compared in constant time."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.cases.workflow import TRANSITIONS
from hotline.organisation.models import ROLES, Unit, User
from hotline.organisation.roster import is_administrator

from .models import ApiToken, TokenSubmission

# What a token may be allowed: the workflow's actions, and the efficiency
# offices' excuse of a violation (D5), which moves no case.
ACTIONS = (
    *(t.action for t in TRANSITIONS),
    "excuse_violation",
    "acknowledge_early_warning",
)

# last_used_at is written at most this often per token, so that a busy
# integration does not turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(
    *,
    actor: User,
    name: str,
    user: User,
    unit: Unit,
    actions: list[str],
    reads: str = ApiToken.Reads.SUBMITTED,
) -> tuple[ApiToken, str]:
    """An administrator issues a token; the key is returned once. A token
    reads only the cases it submits unless `reads` gives it its unit's."""
    if not is_administrator(actor):
        raise PermissionDenied
    if reads not in ApiToken.Reads.values:
        raise ValidationError(_("Unknown read scope: %(reads)s") % {"reads": reads})
    unknown = sorted(set(actions) - set(ACTIONS))
    if unknown:
        raise ValidationError(_("Unknown actions: %(actions)s") % {"actions": ", ".join(unknown)})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name.strip(),
        user=user,
        unit=unit,
        actions=sorted(set(actions)),
        reads=reads,
        prefix=prefix,
        key_hash=_hash(secret),
        created_by=actor,
    )
    return token, f"hl_{prefix}_{secret}"


def authenticate(key: str) -> ApiToken | None:
    """The live token a key belongs to, or None.

    One statement reads the token, whether its account is active and the
    reference data's revision. The account's roles come from the process's
    copy (ROLES), the token's unit from those roles, and the account itself
    is loaded with its id alone: a verb asks an actor for its id and its
    roles, and any other field is read when first asked for."""
    parts = (key or "").split("_", 2)
    if len(parts) != 3 or parts[0] != "hl":
        return None
    token = (
        ApiToken.objects.filter(prefix=parts[1], revoked_at__isnull=True)
        .annotate(user_is_active=F("user__is_active"), **ROLES.beside())
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, _hash(parts[2])):
        return None
    if not token.user_is_active:
        return None
    user = User.from_db(DEFAULT_DB_ALIAS, ["id", "is_active"], [token.user_id, True])
    token.user = user
    kept = ROLES.get(ROLES.read_beside(token))
    if token.user_id not in kept:
        kept[token.user_id] = user.grants()
    grants = user.__dict__["_grants"] = kept[token.user_id]
    unit = next((u for (unit_id, _role), u in grants.items() if unit_id == token.unit_id), None)
    if unit is not None:
        token.unit = unit
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    if not is_administrator(actor):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def record_submission(token: ApiToken | None, case) -> None:
    """The case `token` just submitted, in the submitting transaction: a
    token with the read scope "submitted" reads back these alone."""
    if token is not None:
        TokenSubmission.objects.create(token=token, case=case)


def readable_cases(token: ApiToken, cases):
    """`cases` narrowed to what the token's read scope allows."""
    if token.reads_unit:
        return cases
    return cases.filter(api_submission__token=token)
