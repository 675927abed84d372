"""N3: a consultation answered on the call from a published, current
article, closed at once citing the article's version; the requester is sent
the answer through the original channel and may rate it (D9)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hotline.cases import actions, preconditions, rating
from hotline.cases.actions import RequesterDetails
from hotline.cases.errors import InvalidInput, NotAllowed, WrongState
from hotline.cases.publication import published_cases
from hotline.cases.querycode import matches
from hotline.cases.request_types import request_type
from hotline.knowledge.tests.factories import published_article
from hotline.knowledge.workflow import VersionState
from hotline.notifications import delivery
from hotline.notifications.tests.test_outbox import gateway, smtp  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

CALLER = RequesterDetails(name="王先生", phone="13805912345")
QUESTION = "我的居住证下个月到期，续签要带什么？"


def answer(flow, version, **kw):
    return actions.answer_directly(
        actor=kw.pop("actor", flow.agent),
        channel=kw.pop("channel", "phone"),
        requester=kw.pop("requester", CALLER),
        content=kw.pop("content", QUESTION),
        article_version=version,
        disclosure_allowed=kw.pop("disclosure_allowed", True),
        **kw,
    )


def test_a_consultation_is_registered_closed_citing_the_article_version_N3_R5(flow):
    version = published_article()
    case = answer(flow, version)
    case.refresh_from_db()
    assert case.number.startswith("FZ") and matches(case.query_code, case.query_code_hash)
    assert case.state == "closed" and case.closed_at is not None
    assert case.request_type.code == "consultation"
    assert case.answered_with == version
    assert case.result == version.answer
    actions_taken = list(case.events.values_list("action", flat=True))
    assert actions_taken == ["register", "answer_directly"]
    answered = case.events.get(action="answer_directly")
    assert answered.at == case.closed_at
    cited = answered.details
    assert (cited["article_version"], cited["version"]) == (version.pk, 1)
    assert cited["title"] == version.title and cited["article_unit"] == "福州市公安局"


def test_a_direct_answer_is_never_forwarded_nor_dispatched_and_leaves_no_clock_N3(flow):
    case = answer(flow, published_article())
    assert not case.clocks.exists()
    assert not case.parts.exists()
    assert not case.events.filter(action__in=("forward", "accept", "dispatch")).exists()
    with pytest.raises(WrongState):
        actions.forward_case(actor=flow.agent, case=case)
    with pytest.raises(WrongState):
        actions.accept_case(actor=flow.city_dispatcher, case=case)


def test_a_direct_answer_is_not_a_published_handling_result_N3_R9(flow):
    case = answer(flow, published_article())
    assert not published_cases().filter(pk=case.pk).exists()


def test_an_article_past_its_review_date_cannot_be_used_N3_N2(flow):
    today = timezone.localdate()
    expired = published_article(
        effective_on=today - timedelta(days=400), review_by=today - timedelta(days=1)
    )
    with pytest.raises(WrongState, match="已过复核日期"):
        answer(flow, expired)


def test_an_article_not_yet_in_effect_cannot_be_used_N3(flow):
    later = published_article(effective_on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(WrongState):
        answer(flow, later)


@pytest.mark.parametrize(
    "state", [VersionState.DRAFT, VersionState.AWAITING_REVIEW, VersionState.WITHDRAWN]
)
def test_an_unpublished_article_cannot_be_used_N3(flow, state):
    with pytest.raises(WrongState, match="未发布"):
        answer(flow, published_article(state=state))


def test_an_article_withdrawn_after_it_was_offered_cannot_be_used_N3(flow):
    """The version is read again in the verb's transaction: the agent's page
    may have offered it before it was withdrawn."""
    version = published_article()
    type(version).objects.filter(pk=version.pk).update(state=VersionState.WITHDRAWN)
    with pytest.raises(WrongState):
        answer(flow, version)


@pytest.mark.parametrize("code", ["complaint", "help", "report"])
def test_only_a_consultation_is_answered_directly_N1_N3(flow, code):
    with pytest.raises(InvalidInput, match="只有咨询") as refused:
        answer(flow, published_article(), request_type=request_type(code))
    assert refused.value.field == "request_type"


def test_only_the_service_center_answers_directly_N3(flow):
    with pytest.raises(NotAllowed):
        answer(flow, published_article(), actor=flow.city_dispatcher)


def test_the_same_checks_as_registration_apply_N3_R5(flow):
    with pytest.raises(InvalidInput) as refused:
        answer(flow, published_article(), content="  ")
    assert refused.value.field == "content"
    with pytest.raises(InvalidInput) as refused:
        answer(flow, published_article(), channel="web")
    assert refused.value.field == "channel"


def test_a_phone_caller_with_a_mobile_gets_the_answer_by_sms_with_how_to_rate_N3_D9(
    flow,
    clock,
    gateway,  # noqa: F811
):
    clock("2026-11-26 10:00")
    version = published_article()
    case = answer(flow, version, requester=RequesterDetails(phone="138 0591 2345"))
    assert not case.messages.filter(kind="acknowledgement").exists()  # one SMS, not two
    assert delivery.deliver_due() == 1
    (sms,) = gateway.delivered.values()
    assert sms["to"] == "13805912345"
    assert version.answer in sms["text"]
    assert case.number in sms["text"] and case.query_code in sms["text"]
    assert "/portal/rate/" in sms["text"]


def test_a_landline_caller_hears_the_answer_and_is_sent_nothing_N3(flow):
    case = answer(flow, published_article(), requester=RequesterDetails(phone="0591-87654321"))
    assert case.answer_message is None
    assert not case.messages.exists()  # no call-back to read it out again


def test_an_email_case_gets_the_answer_by_email_N3(flow, smtp):  # noqa: F811
    case = answer(
        flow,
        published_article(),
        channel="email",
        requester=RequesterDetails(email="wang@example.com"),
    )
    (message,) = case.messages.all()
    assert (message.channel, message.recipient, message.kind) == (
        "email",
        "wang@example.com",
        "direct_answer",
    )
    assert delivery.deliver(message.pk) == "sent"
    assert "携带身份证" in smtp.mails[0].content.decode()


def test_a_direct_answer_can_be_rated_by_its_link_and_by_number_and_code_D9_N3(flow, client):
    case = answer(flow, published_article())
    link = rating.LINK.search(case.answer_message.text).group(0)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert rating.case_for(token) == case
    # The portal's own way: the number and the query code.
    tracked = client.post("/portal/track/", {"number": case.number, "code": case.query_code})
    assert tracked.status_code == 302
    page = client.get("/portal/track/case/")
    assert page.status_code == 200 and page.context["can_rate"]
    rated = client.post(
        "/portal/track/case/", {"satisfaction": "dissatisfied", "comment": "没说清楚"}
    )
    assert rated.status_code == 302
    case.refresh_from_db()
    assert case.satisfaction == "dissatisfied" and case.rated_at is not None


def test_a_dissatisfied_direct_answer_is_not_reopened_for_a_redo_N3_D9(flow):
    """No unit handled it, so there is no reply to send back."""
    case = answer(flow, published_article())
    actions.rate_case(case=case, satisfaction="dissatisfied")
    case.refresh_from_db()
    refusal = preconditions.unmet("reopen", case, case, timezone.now())
    assert refusal and "直接答复" in refusal
    with pytest.raises(WrongState):
        actions.reopen_for_redo(actor=flow.city_reviewer, case=case, reasons="重新答复")


def test_a_dissatisfied_direct_answer_goes_to_the_article_unit_N3(flow):
    """The unit keeping the article is told, with the case and the article,
    so that it reviews the answer; a satisfied rating tells no one."""
    from hotline.notifications.models import StaffNotification
    from hotline.organisation.models import User

    version = published_article(unit="福州市城市管理委员会")
    pleased = answer(flow, version)
    actions.rate_case(case=pleased, satisfaction="satisfied")
    assert not StaffNotification.objects.filter(case=pleased).exists()

    case = answer(flow, version, requester=RequesterDetails(phone="13905912345"))
    actions.rate_case(case=case, satisfaction="dissatisfied")
    told = StaffNotification.objects.filter(case=case)
    assert {n.user for n in told} == {
        User.objects.get(username="city_handler"),
        User.objects.get(username="city_leader"),
    }
    assert all(version.title in n.text and case.number in n.text for n in told)


def test_the_article_category_is_the_case_category_unless_one_is_chosen_N3(flow):
    from hotline.cases.models import Category

    version = published_article()
    version.category = Category.objects.get(code="CG")
    version.save(update_fields=["category"])
    assert answer(flow, version).category == version.category


def test_an_expired_article_cannot_be_attached_as_a_hint_either_N3(flow):
    today = timezone.localdate()
    expired = published_article(
        effective_on=today - timedelta(days=400), review_by=today - timedelta(days=1)
    )
    with pytest.raises(InvalidInput, match="已过复核日期"):
        flow.phone_case(hint=expired)


def test_a_case_forwarded_with_a_hint_keeps_it_with_its_registration_N3(flow):
    version = published_article()
    case = flow.phone_case(hint=version)
    assert case.state == "screening" and case.answered_with is None
    registered = case.events.get(action="register").details
    assert (registered["hint"], registered["hint_title"]) == (version.pk, version.title)
