"""Login with throttling of failed attempts.

Five failures for one user name, or twenty from one address, within fifteen
minutes lock further attempts for the rest of that window. Counts live in
the cache (Redis in production, so every process shares them)."""

from django.contrib.auth.base_user import AbstractBaseUser as User
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.utils.translation import gettext as _

WINDOW_SECONDS = 15 * 60
MAX_PER_USERNAME = 5
MAX_PER_ADDRESS = 20


def _keys(request):
    # As Django will read it (NFKC), so "ａｇｅｎｔ" counts as "agent".
    username = User.normalize_username(request.POST.get("username", "")).strip().casefold()
    address = request.META.get("REMOTE_ADDR", "")
    return (
        (f"login-fail:user:{username}", MAX_PER_USERNAME),
        (f"login-fail:addr:{address}", MAX_PER_ADDRESS),
    )


class ThrottledLoginView(LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if any((cache.get(key) or 0) >= limit for key, limit in _keys(request)):
            return self.render_to_response(
                self.get_context_data(
                    throttled=_("Too many failed attempts. Please try again in 15 minutes.")
                ),
                status=429,
            )
        # Counted before the password is checked, so parallel attempts
        # cannot slip past the limit; a success clears the user's count.
        for key, _limit in _keys(request):
            cache.add(key, 0, WINDOW_SECONDS)
            cache.incr(key)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        cache.delete(_keys(self.request)[0][0])
        return super().form_valid(form)
