"""ADR 10 (one first read): two actions on one case, on two real
PostgreSQL connections, the second's first statement made to wait on the
first's case lock, so that its snapshot is taken before the first commits.

A verb that found no rows in that snapshot (close: no approved reply yet)
locks the case alone and reads the rows again under the lock: they exist
once it is granted."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, transaction

from hotline.cases.errors import WorkflowError
from hotline.cases.tests.conftest import Flow
from hotline.notifications.models import Message
from hotline.organisation.models import User
from hotline.organisation.roster import grant_role

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks between two connections need PostgreSQL",
    ),
]
CGW = "福州市城市管理委员会"


def _waiters():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def interleave(first, second):
    """`first` runs and keeps its transaction open; `second` starts, and once
    it waits on a lock, `first` commits. The outcomes, first then second."""
    ready, release = threading.Event(), threading.Event()
    outcomes = {}

    def outcome(key, attempt):
        try:
            attempt()
            outcomes[key] = "ok"
        except WorkflowError as error:
            outcomes[key] = error.code
        except Exception as error:  # a 500
            outcomes[key] = f"{type(error).__name__}: {error}"

    def run_first():
        def held():
            with transaction.atomic():
                first()
                ready.set()
                release.wait(10)

        try:
            outcome("first", held)
        finally:
            ready.set()
            connection.close()

    def run_second():
        try:
            outcome("second", second)
        finally:
            connection.close()

    one = threading.Thread(target=run_first)
    one.start()
    assert ready.wait(10)
    two = threading.Thread(target=run_second)
    two.start()
    deadline = time.monotonic() + 10
    while _waiters() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    waited = _waiters() > 0
    release.set()
    one.join()
    two.join()
    assert waited, "the second action never waited on the first's lock"
    return outcomes["first"], outcomes["second"]


def second_user(username, unit_obj, role):
    person = User.objects.create_user(username=username, password="pw-123456x", name=username)
    grant_role(actor=User.objects.get(username="admin"), person=person, unit=unit_obj, role=role)
    return person


def test_a_close_right_after_the_last_review_agreeing_not_to_publish(committed_demo):
    """The city bureau closes the case as the reviewer's approval (agreeing
    with the unit not to publish) commits: the result must not be published
    (R9) and the requester must be sent the approved reply, not nothing."""
    flow = Flow()
    assignment = flow.to(flow.phone_case(), CGW)
    flow.handle(
        assignment,
        reply="已责令施工单位停止夜间施工。",
        recommend_nonpublication=True,
        nonpublication_reason="涉及个人隐私。",
    )
    case = assignment.case
    other = second_user(
        "second_reviewer", flow.city_reviewer.role_grants.get(role="reviewer").unit, "reviewer"
    )
    outcomes = interleave(
        lambda: flow.review(assignment.part, reviewer=other, agree_nonpublication=True),
        lambda: flow.close(case),
    )
    case.refresh_from_db()
    assert outcomes == ("ok", "ok")
    assert case.published is False
    assert case.result == "已责令施工单位停止夜间施工。"
    result = Message.objects.get(case=case, kind="result").text
    assert "已责令施工单位停止夜间施工。" in result
