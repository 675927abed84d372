"""The revision tokens of reference data (hotline.reference.revisions)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.calendar.services import CALENDAR
from hotline.notifications.models import MessageTemplate
from hotline.notifications.outbox import TEMPLATES
from hotline.organisation.models import CITY_BUREAU
from hotline.policy.models import Policy
from hotline.reference.revisions import Revisions

pytestmark = pytest.mark.django_db
EVERY = Revisions(CALENDAR, TEMPLATES, CITY_BUREAU)


def read_beside():
    return EVERY.read_beside(Policy.objects.annotate(**EVERY.beside()).first())


def test_the_tokens_read_beside_a_row_are_the_tokens_read_alone():
    MessageTemplate.objects.get(kind="result").save()
    beside = read_beside()
    assert beside[TEMPLATES.name] is not None
    copies = {r.name: r.get(beside[r.name]) for r in EVERY.references}
    with CaptureQueriesContext(connection) as alone:
        for reference in EVERY.references:
            assert reference.get() is copies[reference.name]
    # One query each to read the token alone; none to build a copy again.
    assert len(alone.captured_queries) == len(EVERY.references)


def test_every_save_or_delete_gives_a_fresh_token():
    seen = {read_beside()[TEMPLATES.name]}
    template = MessageTemplate.objects.get(kind="result")
    for _ in range(3):
        template.save()
        seen.add(read_beside()[TEMPLATES.name])
    template.delete()
    seen.add(read_beside()[TEMPLATES.name])
    assert len(seen) == 5


def test_a_copy_built_once_is_served_without_a_statement_while_the_token_holds():
    token = read_beside()[TEMPLATES.name]
    TEMPLATES.get(token)
    with CaptureQueriesContext(connection) as served:
        TEMPLATES.get(token)
    assert served.captured_queries == []
