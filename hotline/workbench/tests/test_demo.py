"""`make demo` loads a working demo: organisation, categories and cases."""

import pytest
from django.core.management import call_command

from hotline.cases.demo import load_demo_cases
from hotline.cases.models import Case

pytestmark = pytest.mark.django_db


def test_demo_cases_fill_every_queue(client):
    cases = load_demo_cases()
    assert len(cases) == 9
    states = set(Case.objects.values_list("state", flat=True))
    assert {"screening", "refused", "handling", "reviewing", "closed"} <= states
    for username in ("city_dispatcher", "city_handler", "gulou_leader", "city_reviewer"):
        from hotline.organisation.models import User

        client.force_login(User.objects.get(username=username))
        assert 'data-testid="task"' in client.get("/").content.decode(), username


def test_load_demo_is_safe_to_run_twice(capsys):
    call_command("load_demo")
    assert "already loaded" in capsys.readouterr().out


def test_the_demo_leaves_nobody_unread_roster_notices():
    """The demo's first rosters are its starting point, not R10 changes
    anyone was told of; the changes themselves stay in the roster history."""
    from hotline.organisation.models import RosterChange, User

    for username in ("city_dispatcher", "city_supervisor", "gulou_bureau"):
        assert not User.objects.get(username=username).notifications.exists(), username
    assert RosterChange.objects.count() > 200
