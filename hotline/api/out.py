"""Rows as the API shows them. The requester is masked for the roles whose
case page masks it (D8), exactly as the workbench's filters do."""

from hotline.cases.models import Assignment, Case, Clock, Event
from hotline.cases.privacy import mask_name, mask_phone
from hotline.cases.publication import mask_for
from hotline.organisation.models import Unit

from .auth import Caller


def unit_ref(unit: Unit | None) -> dict | None:
    return {"id": unit.pk, "name": unit.name} if unit else None


def unit(u: Unit) -> dict:
    return {
        "id": u.pk,
        "name": u.name,
        "kind": u.kind,
        "level": u.level,
        "district": u.district.code if u.district_id else None,
        "parent_id": u.parent_id,
        "is_active": u.is_active,
    }


def category(c) -> dict | None:
    if c is None:
        return None
    return {"id": c.pk, "code": c.code, "name": c.name, "is_active": c.is_active}


def request_type(t) -> dict:
    return {"code": t.code, "name": t.name}


def requester(case: Case, caller: Caller) -> dict:
    r = case.requester
    if caller.sees_requester:
        return {
            "kind": r.kind,
            "name": r.name,
            "phone": r.phone,
            "id_number": r.id_number,
            "email": r.email,
            "address": r.address,
            "masked": False,
        }
    return {
        "kind": r.kind,
        "name": mask_name(r.name),
        "phone": mask_phone(r.phone),
        "id_number": None,
        "email": None,
        "address": None,
        "masked": True,
    }


def case_summary(case: Case) -> dict:
    return {
        "number": case.number,
        "channel": case.channel,
        "state": case.state,
        "handling_mode": case.handling_mode,
        "category": category(case.category),
        "request_type": request_type(case.request_type),
        "received_at": case.received_at,
        "closed_at": case.closed_at,
        "flags": {
            "overdue": case.flag_overdue,
            "lapsed": case.flag_lapsed,
            "repeat": case.flag_repeat,
        },
        "published": case.published,
        "version": case.version,
    }


def case_detail(case: Case, caller: Caller, *, made_now: bool = False) -> dict:
    """`made_now`: the case was registered by this request, so it has no
    parts or escalations yet and is answered without reading them."""
    hide = _words_for(case, caller)
    parts = [] if made_now else case.parts.select_related("holder_bureau")
    escalations = (
        []
        if made_now
        else case.escalations.select_related("main_recipient").prefetch_related("copy_recipients")
    )
    return {
        **case_summary(case),
        "content": hide(case.content),
        "location": hide(case.location),
        "disclosure_allowed": case.disclosure_allowed,
        "internal_reason": case.internal_reason,
        "refusal_reason": case.refusal_reason,
        "city_final_review": case.city_final_review,
        "result": hide(case.result),
        "satisfaction": case.satisfaction,
        "rating_comment": hide(case.rating_comment),
        "rated_at": case.rated_at,
        "policy_id": case.policy_id,
        "answered_with": case.answered_with_id,
        # N4: the lead this case follows, and the cases following it.
        "merged_into": (
            Case.objects.filter(pk=case.merged_into_id).values_list("number", flat=True).first()
            if case.merged_into_id
            else None
        ),
        "merged_cases": []
        if made_now
        else list(case.merged_cases.order_by("received_at", "pk").values_list("number", flat=True)),
        "requester": requester(case, caller),
        "parts": [
            {
                "id": p.pk,
                "number": p.number,
                "description": hide(p.description),
                "state": p.state,
                "holder_bureau": unit_ref(p.holder_bureau),
                "received_at": p.received_at,
            }
            for p in parts
        ],
        "escalations": [
            {
                "id": e.pk,
                "summary": hide(e.summary),
                "main_recipient": unit_ref(e.main_recipient),
                "copy_recipients": [unit_ref(u) for u in e.copy_recipients.all()],
                "sent_at": e.sent_at,
                "outcome": hide(e.outcome),
                "outcome_at": e.outcome_at,
            }
            for e in escalations
        ],
    }


def assignment(a: Assignment, caller: Caller) -> dict:
    hide = _words_for(a.case, caller)
    return {
        "id": a.pk,
        "case": a.case.number,
        "part_id": a.part_id,
        "part_number": a.part.number,
        "unit": unit_ref(a.unit),
        "role": a.role,
        "dispatched_by": unit_ref(a.dispatched_by),
        "dispatched_at": a.dispatched_at,
        "state": a.state,
        "return_rejected": a.return_rejected,
        "dispatch_instruction": hide(a.dispatch_instruction),
        "instruction": hide(a.instruction),
        "contribution": hide(a.contribution),
        "redo_count": a.redo_count,
        "flag_lapsed": a.flag_lapsed,
        "replies": [
            {
                "id": r.pk,
                "content": hide(r.content),
                "remaining_problems": hide(r.remaining_problems),
                "measures": hide(r.measures),
                "recommend_nonpublication": r.recommend_nonpublication,
                "nonpublication_reason": hide(r.nonpublication_reason),
                "is_redo": r.is_redo,
                "drafted_at": r.drafted_at,
                "approved_at": r.approved_at,
                "review_decision": r.review_decision,
                "review_reasons": hide(r.review_reasons),
                "reviewed_at": r.reviewed_at,
            }
            for r in a.replies.all()
        ],
        # Each deadline of the assignment (read, reply, redo…), as its unit's
        # queue counts it down.
        "due": [
            {"kind": c.kind, "due_at": c.due_at, "status": clock(c)["status"]}
            for c in a.clocks.all()
        ],
    }


ASSIGNMENT_RELATED = ("case__requester", "part", "unit", "dispatched_by")


def clock(c: Clock) -> dict:
    if c.cancelled_at:
        status = "cancelled"
    elif c.met_at:
        status = "met"
    elif c.breached_at:
        status = "breached"
    else:
        status = "running"
    return {
        "id": c.pk,
        "kind": c.kind,
        "status": status,
        "part_id": c.part_id,
        "assignment_id": c.assignment_id,
        "unit": unit_ref(c.unit),
        "working_days": c.working_days,
        "started_at": c.started_at,
        "due_at": c.due_at,
        "provisional": c.provisional,
        "met_at": c.met_at,
        "breached_at": c.breached_at,
        "cancelled_at": c.cancelled_at,
    }


def _words_for(case: Case, caller: Caller):
    """The case's free text as the caller's role may read it: masked for the
    roles that see the requester masked, as on the case page (D8)."""
    if caller.sees_requester:
        return lambda text: text
    return mask_for(case.requester)


def _masked_details(value, hide):
    """Every text in an event's details (notes, reasons, instructions,
    summaries, the requester's own words, rating comments) through `hide`."""
    if isinstance(value, str):
        return hide(value)
    if isinstance(value, dict):
        return {k: _masked_details(v, hide) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked_details(v, hide) for v in value]
    return value


def event(e: Event, case: Case, caller: Caller) -> dict:
    """The timeline as the caller's role may read it: for the roles that see
    the requester masked, every text in the details is masked as on the
    case page (D8)."""
    details = e.details
    if not caller.sees_requester:
        details = _masked_details(details, mask_for(case.requester))
    return {
        "id": e.pk,
        "action": e.action,
        "at": e.at,
        "actor": str(e.actor) if e.actor_id else None,
        "actor_unit": unit_ref(e.actor_unit),
        "part_id": e.part_id,
        "assignment_id": e.assignment_id,
        "details": details,
    }
