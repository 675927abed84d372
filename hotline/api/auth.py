"""Who is calling: an integration with an API token, or a member of staff
through the workbench's own session (CSRF-checked on unsafe methods).

Either way the caller acts in one unit and role, as in the workbench: a
session in its acting unit and role (`acting.current`), a token in its
unit, in the first role its account holds there (the workbench's order)."""

import copy
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from hotline.cases.privacy import FULL_REQUESTER_ROLES
from hotline.organisation import acting
from hotline.organisation.models import Unit, User

from . import tokens
from .models import ApiToken
from .problems import Problem


@dataclass(frozen=True)
class Caller:
    user: User  # whom the verbs see acting
    unit: Unit
    role: str
    token: ApiToken | None = None

    @property
    def owner(self) -> str:
        """Whose idempotency keys these are."""
        return f"token:{self.token.pk}" if self.token else f"user:{self.user.pk}"

    @property
    def sees_requester(self) -> bool:
        """As on the case page: other roles see the requester masked (D8)."""
        return self.role in FULL_REQUESTER_ROLES

    def may(self, action: str) -> None:
        """A token takes only the actions it lists; staff are checked by the
        verbs alone, as in the workbench."""
        if self.token is not None and not self.token.allows(action):
            raise Problem(
                "action_not_allowed",
                _("This token may not take the action “%(action)s”.") % {"action": action},
            )


def _scoped(user: User, unit: Unit) -> User:
    """The token's account with its roles in the token's unit only, so the
    verbs' own role and unit checks keep a token to its unit."""
    scoped = copy.copy(user)
    scoped.__dict__["_grants"] = {k: v for k, v in user.grants().items() if k[0] == unit.pk}
    return scoped


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = tokens.authenticate(token)
        if found is None:
            return None
        user = _scoped(found.user, found.unit)
        roles = [a.role for a in acting.choices(user)]
        if not roles:
            raise Problem("no_role")
        return Caller(user=user, unit=found.unit, role=roles[0], token=found)


class StaffSession(SessionAuth):
    def _get_key(self, request: HttpRequest) -> str | None:
        # Checked only once the session is known, so that a caller with no
        # credentials hears 401, not a CSRF failure.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise Problem("csrf_failed")
        current = acting.current(request)
        if current is None:
            raise Problem("no_role")
        return Caller(user=request.user, unit=current.unit, role=current.role)


def caller(request: HttpRequest) -> Caller:
    return request.auth
