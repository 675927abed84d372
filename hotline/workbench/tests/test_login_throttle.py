"""Login throttling (issue 12, ADR 8): only failures count, per account and
address together; they slow that pair down for a short while, never lock
out an address or an account elsewhere; an administrator unlocks."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.utils import timezone

from hotline.organisation.demo import DEMO_PASSWORD, LOGINS

pytestmark = pytest.mark.django_db

NAT = "10.20.0.1"
ATTACKER = "10.9.9.9"


def login(address: str, username: str, password: str = DEMO_PASSWORD, **headers):
    return Client(REMOTE_ADDR=address, **headers).post(
        "/login/", {"username": username, "password": password}
    )


def test_successful_logins_from_one_address_never_lock_it_out():
    """A center behind one NAT at shift change: thirty logins in a minute."""
    names = [login.username for login in LOGINS]
    for attempt in range(30):
        assert login(NAT, names[attempt % len(names)]).status_code == 302, attempt
    assert not AccessAttempt.objects.exists()


def test_wrong_passwords_slow_down_that_account_at_that_address_only():
    """Five wrong passwords used to lock a named account everywhere for 15
    minutes: anyone could lock out a dispatcher."""
    for _attempt in range(4):
        assert login(ATTACKER, "city_dispatcher", "wrong").status_code == 200
    # The fifth failure starts the wait; the right password waits too.
    assert login(ATTACKER, "city_dispatcher", "wrong").status_code == 429
    waiting = login(ATTACKER, "city_dispatcher")
    assert waiting.status_code == 429
    assert "请等待" in waiting.content.decode()
    # The dispatcher at their own desk logs in; the attacker's address can
    # still be used by everyone else.
    assert login(NAT, "city_dispatcher").status_code == 302
    assert login(ATTACKER, "agent").status_code == 302


def test_the_wait_is_short_and_ends_by_itself():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _attempt in range(5):
            login(ATTACKER, "city_dispatcher", "wrong")
        assert login(ATTACKER, "city_dispatcher").status_code == 429
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert login(ATTACKER, "city_dispatcher").status_code == 302


def test_a_failure_below_the_limit_is_forgotten_on_success():
    for _attempt in range(4):
        login(NAT, "agent", "wrong")
    assert login(NAT, "agent").status_code == 302
    for _attempt in range(4):
        login(NAT, "agent", "wrong")
    assert login(NAT, "agent").status_code == 302


def test_an_administrator_unlocks_in_the_administration():
    for _attempt in range(5):
        login(ATTACKER, "city_dispatcher", "wrong")
    assert login(ATTACKER, "city_dispatcher").status_code == 429
    from hotline.organisation.models import User

    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "city_dispatcher" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="city_dispatcher")
    admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert login(ATTACKER, "city_dispatcher").status_code == 302


@override_settings(HOTLINE_TRUSTED_PROXIES=["10.0.0.0/24"])
def test_behind_a_trusted_proxy_failures_count_per_forwarded_client():
    proxy = "10.0.0.7"
    for _attempt in range(5):
        login(proxy, "city_dispatcher", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert login(proxy, "city_dispatcher", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    # Another client through the same proxy is not the one waiting.
    assert login(proxy, "city_dispatcher", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


def test_a_client_cannot_name_itself_another_address():
    """Not from a trusted proxy: X-Forwarded-For is ignored."""
    for attempt in range(5):
        forged = f"198.51.100.{attempt}"
        login(ATTACKER, "city_dispatcher", "wrong", HTTP_X_FORWARDED_FOR=forged)
    assert (
        login(ATTACKER, "city_dispatcher", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429
    )
