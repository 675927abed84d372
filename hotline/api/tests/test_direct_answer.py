"""N3 through the API: a telephony or chat front end registers a
consultation answered directly from an article version."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hotline.cases.models import Case
from hotline.knowledge.tests.factories import published_article

pytestmark = pytest.mark.django_db
CENTER = "鼓楼数据信息服务中心"


def body(version, **changes):
    return {
        "channel": "phone",
        "requester": {"phone": "13805912345"},
        "content": "居住证快到期了，续签要带什么材料？",
        "article_version": version.pk,
        **changes,
    }


def test_a_direct_answer_through_the_api_is_registered_closed_N3(clock, api_as):
    clock("2026-11-26 10:00")
    version = published_article()
    agent = api_as("agent", CENTER, ["answer_directly"])
    answered = agent.post("/direct-answers", body(version))
    assert answered.status_code == 201, answered.content
    data = answered.json()
    assert (data["state"], data["answered_with"], data["parts"]) == ("closed", version.pk, [])
    assert data["result"] == version.answer
    case = Case.objects.get(number=data["number"])
    assert case.request_type.code == "consultation"
    assert case.messages.get().kind == "direct_answer"
    # The token submitted it, so it reads it back.
    assert agent.get(f"/cases/{case.number}").status_code == 200


def test_the_token_must_list_answer_directly_N3(clock, api_as):
    clock("2026-11-26 10:00")
    agent = api_as("agent", CENTER, ["register", "forward"])
    refused = agent.post("/direct-answers", body(published_article()))
    assert refused.status_code == 403
    assert refused.json()["code"] == "action_not_allowed"
    assert not Case.objects.exists()


def test_a_token_without_the_scope_learns_nothing_of_which_versions_exist_N3(clock, api_as):
    """Refused for its scope before any id is looked up: an unknown version
    and a real one get the same 403."""
    clock("2026-11-26 10:00")
    agent = api_as("agent", CENTER, ["register", "forward"])
    real = agent.post("/direct-answers", body(published_article()))
    unknown = agent.post("/direct-answers", {**body(published_article()), "article_version": 99999})
    assert real.status_code == unknown.status_code == 403


def test_a_retry_with_the_same_key_answers_once_N3(clock, api_as):
    clock("2026-11-26 10:00")
    agent = api_as("agent", CENTER, ["answer_directly"])
    version = published_article()
    first = agent.post("/direct-answers", body(version), key="call-1")
    again = agent.post("/direct-answers", body(version), key="call-1")
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1


def test_an_expired_or_unknown_article_is_refused_through_the_api_N3(clock, api_as):
    clock("2026-11-26 10:00")
    agent = api_as("agent", CENTER, ["answer_directly"])
    today = timezone.localdate()
    expired = published_article(
        effective_on=today - timedelta(days=400), review_by=today - timedelta(days=2)
    )
    refused = agent.post("/direct-answers", body(expired))
    assert refused.status_code == 409 and refused.json()["code"] == "wrong_state"
    unknown = agent.post("/direct-answers", {**body(expired), "article_version": 999999})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "article_version"
    assert not Case.objects.exists()
