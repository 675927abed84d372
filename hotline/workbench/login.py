"""Login, slowed down after failures by django-axes (ADR 8).

Only failed attempts count, per account and address together
(AXES_LOCKOUT_PARAMETERS): after AXES_FAILURE_LIMIT of them that account
waits AXES_COOLOFF_TIME at that address. Successful logins count for
nothing, so a center behind one NAT logs in at shift change; a stranger's
wrong passwords make only the stranger wait, never the account's owner at
another address. The address is hotline.net.client_address (trusted
proxies); counts are rows in the database, shared by every process, and an
administrator removes them in the administration to unlock at once."""

from django.contrib.auth.base_user import AbstractBaseUser as User
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import render
from django.utils.translation import ngettext


class ThrottledLoginView(LoginView):
    redirect_authenticated_user = True


def attempted_username(request, credentials=None) -> str:
    """The name an attempt counts against, as Django will read it (NFKC,
    case-folded), so "ａｇｅｎｔ" and "Agent" count as "agent"."""
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    given = (credentials or {}).get(field) or (request.POST.get(field, "") if request else "")
    return User.normalize_username(str(given)).strip().casefold()


def cooling_off(request, original_response=None, credentials=None):
    """What a login cooling off answers: the login page, 429, saying how
    long to wait (the account may still log in from anywhere else)."""
    from django.conf import settings

    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    message = ngettext(
        "Too many failed attempts for this account from this address. "
        "Please wait %(minutes)d minute and try again.",
        "Too many failed attempts for this account from this address. "
        "Please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "throttled": message},
        status=429,
    )
