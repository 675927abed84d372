"""Idempotency-Key: a retry with the same key and body gets the first
answer and acts once; the same key with another body is refused; a key
still in progress is refused for now; a POST without a key is refused."""

import hashlib
import json
from datetime import timedelta

from django.utils import timezone

from hotline.api.idempotency import CLAIM_LEASE, KEEP_FOR
from hotline.api.models import IdempotencyRecord
from hotline.cases.models import Case, Event

CITY_BUREAU = "福州市信访局"
# The version of a case just registered: every action names the one it acts on.
V1 = {"expected_version": 1}


def test_a_replay_returns_the_first_answer_and_acts_once(flow, api_as):
    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    first = api.post(f"/cases/{case.number}/accept", {"expected_version": 1}, key="accept-1")
    again = api.post(f"/cases/{case.number}/accept", {"expected_version": 1}, key="accept-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Event.objects.filter(case=case, action="accept").count() == 1


def test_a_refusal_is_replayed_too(flow, api_as):
    """A retry cannot act after all once the first attempt was refused."""
    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["classify"])
    body = {"mode": "public", "expected_version": 1}
    first = api.post(f"/cases/{case.number}/classify", body, key="k")
    assert first.status_code == 409
    flow.accept(case, mode="internal", reason=3)
    again = api.post(f"/cases/{case.number}/classify", body, key="k")
    assert again.status_code == 409
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.get(pk=case.pk).handling_mode == "internal"


def test_the_same_key_with_another_body_is_refused(flow, api_as):
    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    api.post(f"/cases/{case.number}/accept", {"city_final_review": False, **V1}, key="same")
    reused = api.post(f"/cases/{case.number}/accept", {"city_final_review": True, **V1}, key="same")
    assert reused.status_code == 422
    assert reused["Content-Type"] == "application/problem+json"
    assert reused.json()["code"] == "idempotency_key_reused"
    case.refresh_from_db()
    assert not case.city_final_review


def test_the_same_key_on_another_path_is_refused(flow, api_as):
    one, two = flow.phone_case(), flow.phone_case(content="另一件：路灯不亮。")
    api = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    assert api.post(f"/cases/{one.number}/accept", V1, key="k").status_code == 200
    assert api.post(f"/cases/{two.number}/accept", V1, key="k").status_code == 422


def test_keys_belong_to_their_caller(flow, api_as):
    one, two = flow.phone_case(), flow.phone_case(content="另一件：路灯不亮。")
    first = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    second = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    assert first.post(f"/cases/{one.number}/accept", V1, key="k").status_code == 200
    assert second.post(f"/cases/{two.number}/accept", V1, key="k").status_code == 200


def test_a_key_still_in_progress_is_refused_for_now(flow, api_as):
    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    api.post(f"/cases/{case.number}/accept", V1, key="k")
    IdempotencyRecord.objects.filter(key="k").update(status=None, response="")
    busy = api.post(f"/cases/{case.number}/accept", V1, key="k")
    assert busy.status_code == 409
    assert busy.json()["code"] == "idempotency_in_progress"


def test_a_claim_left_by_a_dead_request_is_taken_over(flow, api_as):
    """Action and answer commit together, so a claim with no answer past
    the lease means nothing happened: the retry acts."""
    probe, case = flow.phone_case(), flow.phone_case(content="另一件：路灯不亮。")
    api = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    api.post(f"/cases/{probe.number}/accept", V1, key="probe")
    # What a request that died before its action committed leaves behind:
    IdempotencyRecord.objects.create(
        owner=IdempotencyRecord.objects.get(key="probe").owner,
        key="k",
        method="POST",
        path=f"/api/v1/cases/{case.number}/accept",
        body_hash=hashlib.sha256(json.dumps(V1).encode()).hexdigest(),
        created_at=timezone.now() - CLAIM_LEASE - timedelta(seconds=1),
    )
    assert api.post(f"/cases/{case.number}/accept", V1, key="k").status_code == 200
    assert Event.objects.filter(case=case, action="accept").count() == 1


def test_an_expired_key_may_be_used_again(flow, api_as):
    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["accept", "refuse"])
    api.post(f"/cases/{case.number}/accept", V1, key="k")
    IdempotencyRecord.objects.filter(key="k").update(
        created_at=timezone.now() - KEEP_FOR - timedelta(minutes=1)
    )
    other = flow.phone_case(content="另一件：路灯不亮。")
    assert (
        api.post(f"/cases/{other.number}/refuse", {"reason": 9, **V1}, key="k").status_code == 200
    )


def test_a_post_without_a_key_is_refused(flow, api_as):
    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    missing = api.post(f"/cases/{case.number}/accept", V1, key=None)
    assert missing.status_code == 400
    assert missing.json()["code"] == "idempotency_key_missing"
    case.refresh_from_db()
    assert case.state == "screening"


def test_expired_keys_are_forgotten_hourly(flow, api_as):
    from hotline.api.tasks import forget_expired_idempotency_keys

    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    api.post(f"/cases/{case.number}/accept", V1, key="old")
    api.post(f"/cases/{case.number}/accept", V1, key="new")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - KEEP_FOR - timedelta(minutes=1)
    )
    assert forget_expired_idempotency_keys.call_local() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_a_failure_inside_the_action_undoes_it_and_frees_the_key(flow, api_as, monkeypatch):
    """A bug after the verb wrote (here: in building the answer) leaves
    nothing done and no claim behind, so the retry with the key acts."""
    from hotline.api import out

    case = flow.phone_case()
    api = api_as("city_dispatcher", CITY_BUREAU, ["accept"])
    real = out.case_detail
    monkeypatch.setattr(out, "case_detail", lambda *a: 1 / 0)
    failed = api.post(f"/cases/{case.number}/accept", V1, key="accept-crash")
    assert failed.status_code == 500
    assert failed.json()["code"] == "server_error"
    case.refresh_from_db()
    assert case.state == "screening"
    assert not Event.objects.filter(case=case, action="accept").exists()
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.setattr(out, "case_detail", real)
    retried = api.post(f"/cases/{case.number}/accept", V1, key="accept-crash")
    assert retried.status_code == 200, retried.content
    assert "Idempotent-Replayed" not in retried
