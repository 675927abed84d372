"""A staff session on a shared computer ends when the browser closes.

The login form's "shared computer" box (registration/login.html) asks for
it; otherwise a session ends after SESSION_COOKIE_AGE without a request (8
hours). A receiver of user_logged_in, so it holds for whichever login view
or throttle sits in front."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SHARED_COMPUTER_FIELD = "shared_computer"


@receiver(user_logged_in, dispatch_uid="hotline-shared-computer")
def end_at_browser_close(sender, request, user, **kwargs):
    if request is not None and request.method == "POST" and request.POST.get(SHARED_COMPUTER_FIELD):
        request.session.set_expiry(0)
