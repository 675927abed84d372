"""Two people acting on one case at the same moment, on two real PostgreSQL
connections: one wins, the other is told the case changed; never a mix."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from hotline.cases import actions
from hotline.cases.errors import WorkflowError
from hotline.cases.models import Case
from hotline.cases.tests.conftest import Flow, staff
from hotline.organisation.models import User
from hotline.organisation.roster import grant_role

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks between two connections need PostgreSQL (CI runs it)",
    ),
]
CGW = "福州市城市管理委员会"


def race(*attempts):
    """Run the attempts on their own connections, released together."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(i, attempt):
        try:
            barrier.wait()
            attempt()
            outcomes[i] = "ok"
        except WorkflowError as error:
            outcomes[i] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_handlers_read_the_same_assignment_at_once(committed_demo):
    flow = Flow()
    assignment = flow.to(flow.phone_case(), CGW)
    second = User.objects.create_user(username="second_handler", password="pw-123456x", name="二号")
    grant_role(
        actor=User.objects.get(username="admin"),
        person=second,
        unit=assignment.unit,
        role="handler",
    )
    version = Case.objects.get(pk=assignment.case_id).version

    outcomes = race(
        lambda: actions.read_assignment(
            actor=staff(CGW, "handler"), assignment=assignment, expected_version=version
        ),
        lambda: actions.read_assignment(
            actor=second, assignment=assignment, expected_version=version
        ),
    )
    assert outcomes == ["case_changed", "ok"]
    assert assignment.case.events.filter(action="read").count() == 1


def test_approve_and_send_back_at_once_leave_one_consistent_outcome(committed_demo):
    flow = Flow()
    assignment = flow.to(flow.phone_case(), CGW)
    flow.handle(assignment)
    part = assignment.part
    other = User.objects.create_user(username="second_reviewer", password="pw-123456x", name="审二")
    grant_role(
        actor=User.objects.get(username="admin"),
        person=other,
        unit=flow.city_reviewer.role_grants.get(role="reviewer").unit,
        role="reviewer",
    )

    outcomes = race(
        lambda: actions.review_reply(actor=flow.city_reviewer, part=part, approve=True),
        lambda: actions.review_reply(actor=other, part=part, approve=False, reasons="不完整"),
    )
    assert outcomes == ["ok", "wrong_state"]
    part.refresh_from_db()
    reply = assignment.replies.get()
    assignment.refresh_from_db()
    expected = {"approved": ("approved", "done"), "redo": ("redo", "redo")}[reply.review_decision]
    assert (part.state, assignment.state) == expected
    assert assignment.case.events.filter(action="review").count() == 1


def test_a_breach_pass_skips_a_case_being_acted_on_and_takes_it_next_time(committed_demo):
    """Locks are taken case first, clock second, by verbs and breaches alike,
    so they cannot deadlock; a case locked by an action waits a pass."""
    import time_machine
    from django.db import transaction

    from hotline.cases.clocks import breach_due_clocks

    flow = Flow()
    case = flow.web_case()
    holding, release = threading.Event(), threading.Event()

    def act():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=act)
    worker.start()
    holding.wait(10)
    with time_machine.travel("2099-01-01 00:00 +0800"):
        first = breach_due_clocks()
        release.set()
        worker.join()
        second = breach_due_clocks()
    assert (first.breached, second.breached) == (0, 1)


def test_a_registration_left_open_does_not_hold_up_the_next_one(committed_demo):
    """Issue 14: the day's case number is taken and committed on a connection
    of its own, so an intake still writing does not hold the counter."""
    from django.db import transaction

    flow = Flow()
    holding, release = threading.Event(), threading.Event()
    numbers = {}

    def slow_intake():
        try:
            with transaction.atomic():
                numbers["slow"] = flow.phone_case().number
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=slow_intake)
    worker.start()
    assert holding.wait(10)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        numbers["next"] = flow.phone_case(content="台江路积水严重，请疏通。").number
    finally:
        release.set()
        worker.join()
    assert numbers["next"][-5:] == "00002" and numbers["slow"][-5:] == "00001"


def test_a_registration_that_fails_leaves_its_number_unused(committed_demo):
    """ADR 11: numbers may have gaps, never repeats."""
    from django.db import transaction

    flow = Flow()
    with pytest.raises(RuntimeError), transaction.atomic():
        flow.phone_case()
        raise RuntimeError("the intake fails after its number")
    assert flow.phone_case().number[-5:] == "00002"
