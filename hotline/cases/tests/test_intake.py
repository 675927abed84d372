"""Intake: service center registration, online submission (R2, R5, D2, R13)."""

from dataclasses import replace
from datetime import date

import pytest

from hotline.cases import actions
from hotline.cases.actions import RequesterDetails
from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.models import Case, Clock
from hotline.cases.tests.conftest import at
from hotline.notifications.models import Message
from hotline.policy.models import Policy
from hotline.policy.terms import FUZHOU_2007, TERM_NAMES

pytestmark = pytest.mark.django_db


def test_service_center_registers_and_forwards_the_same_day_R5_D2(flow, clock):
    """R5: phone, fax and SMS cases are registered by the service center and
    reach the city bureau the same day; D2: the forward clock ends at 24:00
    of the day of registration."""
    clock("2026-11-26 15:20")
    case = flow.phone_case(forward=False)
    forward = case.clocks.get(kind=Clock.Kind.FORWARD)
    assert case.state == "registered"
    assert forward.due_at == at("2026-11-27 00:00")
    clock("2026-11-26 16:00")
    actions.forward_case(actor=flow.agent, case=case)
    forward.refresh_from_db()
    assert forward.met_at == at("2026-11-26 16:00")
    case.refresh_from_db()
    assert case.state == "screening"
    dispatch = case.clocks.get(kind=Clock.Kind.DISPATCH)
    assert dispatch.unit.name == "福州市信访局"


def test_same_day_means_the_calendar_day_even_on_a_holiday_D2(flow, clock):
    """D2: a case registered on a holiday must still be forwarded by 24:00."""
    clock("2026-10-02 21:00")
    case = flow.phone_case(forward=False)
    assert case.clocks.get(kind=Clock.Kind.FORWARD).due_at == at("2026-10-03 00:00")


@pytest.mark.parametrize("channel", ["phone", "fax", "sms"])
def test_each_service_center_channel_is_registered_R2_R5(flow, clock, channel):
    clock("2026-11-26 10:00")
    case = flow.phone_case(channel=channel)
    assert case.channel == channel and case.state == "screening"


def test_web_cases_reach_the_city_bureau_directly_R2_R5(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.web_case()
    assert case.state == "screening"
    assert not case.clocks.filter(kind=Clock.Kind.FORWARD).exists()
    assert case.clocks.get(kind=Clock.Kind.DISPATCH).due_at == at("2026-11-28 00:00")


def test_case_numbers_count_per_day_R5(flow, clock):
    clock("2026-11-26 10:00")
    first, second = flow.phone_case(), flow.web_case()
    clock("2026-11-27 08:00")
    third = flow.phone_case(content="另一件事：公交站台破损。")
    assert [first.number, second.number, third.number] == [
        "FZ2026112600001",
        "FZ2026112600002",
        "FZ2026112700001",
    ]


def test_the_requester_gets_an_acknowledgement_with_the_number_R5(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case(channel="sms")
    message = case.messages.get(kind=Message.Kind.ACKNOWLEDGEMENT)
    assert case.number in message.text
    assert (message.channel, message.recipient) == ("sms", "13805912345")


def test_a_landline_caller_hears_the_number_on_the_call_and_is_called_back_R5_R9(flow, clock):
    """The agent gives the number and query code during the call (nothing
    else can carry them to a landline); later messages to a phone requester
    become call-back tasks (the original channel)."""
    clock("2026-11-26 10:00")
    case = flow.phone_case(channel="phone", requester=RequesterDetails(phone="0591-87654321"))
    assert case.acknowledgement is None and len(case.query_code) == 10
    assert not case.messages.filter(kind=Message.Kind.ACKNOWLEDGEMENT).exists()
    actions.refuse_case(actor=flow.city_dispatcher, case=case, reason=5)
    assert case.messages.get(kind=Message.Kind.REFUSAL).channel == "callback"


def test_only_agents_register_R5(flow, clock):
    clock("2026-11-26 10:00")
    with pytest.raises(NotAllowed):
        actions.register_case(
            actor=flow.city_dispatcher,
            channel="phone",
            requester=RequesterDetails(phone="13805912345"),
            content="内容",
            disclosure_allowed=True,
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"content": "   "}, "content"),  # nothing to handle
        ({"requester": RequesterDetails(name="无电话")}, "phone"),  # no way to answer
        ({"requester": RequesterDetails(phone="12ab")}, "phone"),  # not a number
        ({"channel": "web"}, "channel"),  # web cases are not registered by agents
        ({"channel": "email", "requester": RequesterDetails(phone="13805912345")}, "email"),
    ],
)
def test_bad_intake_is_refused_and_leaves_nothing_behind_R5(flow, clock, changes, field):
    clock("2026-11-26 10:00")
    before = (Case.objects.count(), Message.objects.count())
    with pytest.raises(InvalidInput) as error:
        flow.phone_case(**changes)
    assert error.value.field == field
    assert (Case.objects.count(), Message.objects.count()) == before


def test_a_case_keeps_the_policy_it_was_received_under_R13(flow, clock):
    """R13: a new policy applies to new cases; old cases keep their periods."""
    clock("2026-11-26 10:00")
    old = flow.phone_case()
    terms = replace(FUZHOU_2007, reply_days=5)
    Policy.objects.create(
        name="2026-12-01",
        effective_on=date(2026, 12, 1),
        **{n: getattr(terms, n) for n in TERM_NAMES},
    )
    clock("2026-12-01 09:00")
    new = flow.phone_case(content="新政策生效后的诉求：停车收费不规范。")
    assert old.policy.reply_days == 10 and new.policy.reply_days == 5
    a_old = flow.to(old, "福州市城市管理委员会")
    a_new = flow.to(new, "福州市城市管理委员会")
    reply_old = a_old.clocks.get(kind="reply").due_at
    reply_new = a_new.clocks.get(kind="reply").due_at
    assert (reply_old, reply_new) == (at("2026-12-16 00:00"), at("2026-12-09 00:00"))


def test_forwarding_twice_is_refused(flow, clock):
    clock("2026-11-26 10:00")
    case = flow.phone_case()
    with pytest.raises(WrongState):
        actions.forward_case(actor=flow.agent, case=case)


def test_search_survives_a_migration_that_rebuilds_the_table(flow, clock):
    """SQLite drops triggers with a rebuilt table; migrate puts them back."""
    from django.db import connection

    from hotline.cases.search import ensure_sqlite_index, search

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's index is an expression index, not triggers")
    clock("2026-11-26 10:00")
    case = flow.phone_case(content="工地夜间施工噪音。")
    with connection.cursor() as cursor:
        for name in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER cases_case_fts_{name}")
        cursor.execute("DELETE FROM cases_case_fts")  # the index lost with them
    ensure_sqlite_index(sender=None)
    assert list(search(Case.objects.all(), "施工噪音")) == [case]


def test_the_query_code_hash_fits_its_column():
    from hotline.cases.querycode import digest, new_code

    assert len(digest(new_code())) <= Case._meta.get_field("query_code_hash").max_length
