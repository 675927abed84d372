"""Workflow actions: one POST per verb of hotline.cases.actions, named as
the transition table names the action. Each finds its target among the
cases the caller may see (404 otherwise), checks that a token lists the
action, and calls the verb once per Idempotency-Key; the verb checks state,
role, unit and expected_version as for the workbench. The answer is the
case as it is afterwards."""

from collections.abc import Callable
from functools import partial

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path

from hotline.cases import actions as verbs
from hotline.cases.errors import InvalidInput
from hotline.cases.models import Case, Category, Reply, RequestType
from hotline.cases.request_types import REQUEST_TYPES, in_use
from hotline.knowledge.models import ArticleVersion
from hotline.organisation.models import Unit

from . import idempotency, out, tokens
from .auth import caller
from .endpoints_reads import CaseNumber, router, visible_case
from .problems import Problem, field_error
from .renderers import json_response
from .schemas import (
    MAX_ID,
    AcceptIn,
    CaseOut,
    ClassifyIn,
    CloseIn,
    ContributeIn,
    DecideReturnIn,
    DecideTakeBackIn,
    DirectAnswerIn,
    DispatchCaseIn,
    DispatchPartIn,
    DraftReplyIn,
    EscalateIn,
    InstructIn,
    MergeIn,
    NoteIn,
    OutcomeIn,
    PlanIn,
    ReasonIn,
    RefuseIn,
    RegisterIn,
    ReopenIn,
    RetypeIn,
    ReviewIn,
    SaveReplyDraftIn,
    Versioned,
)

# One router with the reads: ninja serves a path from one router only, and
# POST /cases shares its path with the case list.
post = partial(router.post, tags=["actions"])

PartId = Path(..., ge=1, le=MAX_ID)
AssignmentId = Path(..., ge=1, le=MAX_ID)
EscalationId = Path(..., ge=1, le=MAX_ID)


def _act(
    request: HttpRequest,
    payload,
    action: str | list[str],
    run: Callable,
    *,
    status: int = 200,
    registers: bool = False,
) -> HttpResponse:
    """Run `run(actor)`, a verb call, once per key. An action on a case
    needs the version the caller acted on: without it a retry with a fresh
    key (or a second client) would do again what was done (a second
    classification, a second escalation), where a stale version is refused.
    `registers`: the verb makes the case, and the answer is written from
    the case it returns, not read back."""
    who = caller(request)
    for name in [action] if isinstance(action, str) else action:
        who.may(name)
    if isinstance(payload, Versioned) and payload.expected_version is None:
        raise Problem(
            "validation_error",
            errors=[field_error("expected_version", "Field required: the case version.")],
        )

    def respond():
        result = run(who.user)
        if registers:
            data = out.case_detail(result, who, made_now=True)
        else:
            fresh = Case.objects.select_related("requester", "category", "request_type").get(
                pk=_case_id(result)
            )
            data = out.case_detail(fresh, who)
        return json_response(CaseOut.model_validate(data).model_dump(), status=status)

    return idempotency.once(request, who.owner, respond)


def _submitted(who, case: Case) -> Case:
    """A case a token registers is one it may read back (its read scope)."""
    tokens.record_submission(who.token, case)
    return case


def _case_id(result) -> int:
    """Verbs return what they changed: the case, or a row of it."""
    if isinstance(result, Case):
        return result.pk
    if isinstance(result, Reply):
        return result.assignment.case_id
    return result.case_id


def _unit(pk: int | None, field: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise Problem("validation_error", errors=[field_error(field, "No such unit.")])
    return unit


def _units(pks: list[int], field: str) -> list[Unit]:
    return [_unit(pk, field) for pk in pks]


def _dispatch_actions(plans: list[PlanIn]) -> list[str]:
    """A plan naming a district bureau passes the part on (pass_to_district);
    any other dispatches it: a token must list what it does."""
    return sorted({"pass_to_district" if p.district_bureau else "dispatch" for p in plans})


def _plan(plan: PlanIn, prefix: str = "") -> verbs.PartPlan:
    return verbs.PartPlan(
        description=plan.description,
        sole=_unit(plan.sole, f"{prefix}sole"),
        lead=_unit(plan.lead, f"{prefix}lead"),
        co=tuple(_units(plan.co, f"{prefix}co")),
        district_bureau=_unit(plan.district_bureau, f"{prefix}district_bureau"),
        instruction=plan.instruction,
        against_catalogue=plan.against_catalogue,
    )


# Intake and screening (R3–R6) -----------------------------------------------


def _category(pk: int | None) -> Category | None:
    if pk is None:
        return None
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise Problem("validation_error", errors=[field_error("category", "No such category.")])
    return category


def _intake(payload, category: Category | None) -> dict:
    """What registering and answering directly both take from the caller."""
    return {
        "channel": payload.channel,
        "requester": _requester(payload.requester),
        "content": payload.content,
        "location": payload.location,
        "category": category,
        "disclosure_allowed": payload.disclosure_allowed,
        "received_at": payload.received_at,
    }


def _requester(r) -> verbs.RequesterDetails:
    return verbs.RequesterDetails(
        name=r.name,
        phone=r.phone,
        id_number=r.id_number,
        email=r.email,
        address=r.address,
        kind=r.kind,
    )


@post("/cases", operation_id="register", summary="register: a service center case")
def register(request, payload: RegisterIn):
    """R5: an agent of the service center registers a phone, fax, SMS or
    email case; `forward` (default) sends it to the city bureau at once."""
    caller(request).may("register")
    category = _category(payload.category)
    return _act(
        request,
        payload,
        # Forwarding in the same call is the action forward too.
        ["register", "forward"] if payload.forward else "register",
        lambda actor: _submitted(
            caller(request),
            verbs.register_case(
                actor=actor,
                **_intake(payload, category),
                forward=payload.forward,
                # A code: the verb checks it against the types it reads anyway.
                request_type=payload.request_type,
            ),
        ),
        status=201,
        registers=True,
    )


def _request_type(code: str) -> RequestType:
    """N1: a type in use, by its code; an unknown one is the caller's
    mistake, said in their language."""
    try:
        return in_use(code, REQUEST_TYPES.get())
    except InvalidInput as error:
        raise Problem(
            "validation_error", errors=[field_error("request_type", error.message)]
        ) from None


@post(
    "/direct-answers",
    operation_id="answer_directly",
    summary="answer_directly: a consultation answered from the knowledge base",
)
def answer_directly(request, payload: DirectAnswerIn):
    """N3: a telephony or chat front end registers a consultation answered
    on the call from a published, current article version, closed at once;
    the requester is sent the answer through the original channel."""
    # The scope first: a caller that may not answer learns nothing of
    # which versions exist.
    caller(request).may("answer_directly")
    category = _category(payload.category)
    version = ArticleVersion.objects.filter(pk=payload.article_version).first()
    if version is None:
        raise Problem(
            "validation_error", errors=[field_error("article_version", "No such article version.")]
        )
    return _act(
        request,
        payload,
        "answer_directly",
        lambda actor: _submitted(
            caller(request),
            verbs.answer_directly(
                actor=actor,
                **_intake(payload, category),
                article_version=version,
            ),
        ),
        status=201,
        registers=True,
    )


@post("/cases/{number}/forward", operation_id="forward")
def forward(request, payload: Versioned, number: str = CaseNumber):
    case = visible_case(request, number)
    return _act(
        request,
        payload,
        "forward",
        lambda actor: verbs.forward_case(
            actor=actor, case=case, expected_version=payload.expected_version
        ),
    )


@post("/cases/{number}/accept", operation_id="accept")
def accept(request, payload: AcceptIn, number: str = CaseNumber):
    case = visible_case(request, number)
    return _act(
        request,
        payload,
        "accept",
        lambda actor: verbs.accept_case(
            actor=actor,
            case=case,
            city_final_review=payload.city_final_review,
            expected_version=payload.expected_version,
        ),
    )


@post("/cases/{number}/refuse", operation_id="refuse")
def refuse(request, payload: RefuseIn, number: str = CaseNumber):
    case = visible_case(request, number)
    return _act(
        request,
        payload,
        "refuse",
        lambda actor: verbs.refuse_case(
            actor=actor,
            case=case,
            reason=payload.reason,
            note=payload.note,
            expected_version=payload.expected_version,
        ),
    )


@post("/cases/{number}/decline_repeat", operation_id="decline_repeat")
def decline_repeat(request, payload: NoteIn, number: str = CaseNumber):
    case = visible_case(request, number)
    return _act(
        request,
        payload,
        "decline_repeat",
        lambda actor: verbs.decline_repeat(
            actor=actor, case=case, note=payload.note, expected_version=payload.expected_version
        ),
    )


@post("/cases/{number}/retype", operation_id="retype")
def retype(request, payload: RetypeIn, number: str = CaseNumber):
    """N1: the city bureau changes what the request is."""
    case = visible_case(request, number)
    request_type = _request_type(payload.request_type)
    return _act(
        request,
        payload,
        "retype",
        lambda actor: verbs.retype_case(
            actor=actor,
            case=case,
            request_type=request_type,
            expected_version=payload.expected_version,
        ),
    )


@post("/cases/{number}/merge", operation_id="merge")
def merge(request, payload: MergeIn, number: str = CaseNumber):
    """N4: merge the cases named into this lead case, before it is
    dispatched; `expected_version` is the lead's."""
    lead = visible_case(request, number)
    cases = [_merged_case(request, n, i) for i, n in enumerate(payload.cases)]
    return _act(
        request,
        payload,
        "merge",
        lambda actor: verbs.merge_cases(
            actor=actor, lead=lead, cases=cases, expected_version=payload.expected_version
        ),
    )


def _merged_case(request, number: str, index: int) -> Case:
    try:
        return visible_case(request, number)
    except Http404:
        raise Problem(
            "validation_error",
            errors=[field_error(f"cases.{index}", _("No case %(number)s.") % {"number": number})],
        ) from None


@post("/cases/{number}/unmerge", operation_id="unmerge")
def unmerge(request, payload: Versioned, number: str = CaseNumber):
    """N4: undo a merge before the lead is dispatched; `expected_version`
    is the merged case's."""
    case = visible_case(request, number)
    return _act(
        request,
        payload,
        "unmerge",
        lambda actor: verbs.unmerge_case(
            actor=actor, case=case, expected_version=payload.expected_version
        ),
    )


@post("/cases/{number}/classify", operation_id="classify")
def classify(request, payload: ClassifyIn, number: str = CaseNumber):
    case = visible_case(request, number)
    return _act(
        request,
        payload,
        "classify",
        lambda actor: verbs.classify_case(
            actor=actor,
            case=case,
            mode=payload.mode,
            reason=payload.reason,
            expected_version=payload.expected_version,
        ),
    )


# Dispatch (R4, R7, R8.3b, R8.6, R8.7) ----------------------------------------


@post("/cases/{number}/dispatch", operation_id="dispatch")
def dispatch(request, payload: DispatchCaseIn, number: str = CaseNumber):
    """The city bureau's first dispatch, whole or split into parts (R8.7).
    Later dispatches of one part: `/parts/{part_id}/dispatch`. A part whose
    plan names `district_bureau` is passed to that district (the token
    action `pass_to_district`); otherwise the token needs `dispatch`."""
    case = visible_case(request, number)
    plans = [_plan(p, f"parts.{i}.") for i, p in enumerate(payload.parts)]
    return _act(
        request,
        payload,
        _dispatch_actions(payload.parts),
        lambda actor: verbs.dispatch_case(
            actor=actor, case=case, parts=plans, expected_version=payload.expected_version
        ),
    )


@post("/cases/{number}/parts/{part_id}/dispatch", operation_id="dispatch_part")
def dispatch_part(
    request, payload: DispatchPartIn, number: str = CaseNumber, part_id: int = PartId
):
    """Dispatch one part (a district bureau's dispatch, or the city's again
    after a take-back or a withdrawn return)."""
    part = visible_case(request, number).parts.get(pk=part_id)
    plan = _plan(payload)
    return _act(
        request,
        payload,
        _dispatch_actions([payload]),
        lambda actor: verbs.dispatch_part(
            actor=actor, part=part, plan=plan, expected_version=payload.expected_version
        ),
    )


@post("/cases/{number}/parts/{part_id}/request_take_back", operation_id="request_take_back")
def request_take_back(request, payload: ReasonIn, number: str = CaseNumber, part_id: int = PartId):
    part = visible_case(request, number).parts.get(pk=part_id)
    suggested = _unit(payload.suggested_unit, "suggested_unit")
    return _act(
        request,
        payload,
        "request_take_back",
        lambda actor: verbs.request_take_back(
            actor=actor,
            part=part,
            reason=payload.reason,
            suggested_unit=suggested,
            expected_version=payload.expected_version,
        ),
    )


@post("/cases/{number}/parts/{part_id}/decide_take_back", operation_id="decide_take_back")
def decide_take_back(
    request, payload: DecideTakeBackIn, number: str = CaseNumber, part_id: int = PartId
):
    part = visible_case(request, number).parts.get(pk=part_id)
    return _act(
        request,
        payload,
        "decide_take_back",
        lambda actor: verbs.decide_take_back(
            actor=actor,
            part=part,
            accept=payload.accept,
            note=payload.note,
            expected_version=payload.expected_version,
        ),
    )


# In the unit (R8.1–R8.3a, D6) ------------------------------------------------


def _assignment(request, number: str, assignment_id: int):
    return visible_case(request, number).assignments.get(pk=assignment_id)


@post("/cases/{number}/assignments/{assignment_id}/read", operation_id="read")
def read(request, payload: Versioned, number: str = CaseNumber, assignment_id: int = AssignmentId):
    assignment = _assignment(request, number, assignment_id)
    return _act(
        request,
        payload,
        "read",
        lambda actor: verbs.read_assignment(
            actor=actor, assignment=assignment, expected_version=payload.expected_version
        ),
    )


@post("/cases/{number}/assignments/{assignment_id}/instruct", operation_id="instruct")
def instruct(
    request, payload: InstructIn, number: str = CaseNumber, assignment_id: int = AssignmentId
):
    assignment = _assignment(request, number, assignment_id)
    return _act(
        request,
        payload,
        "instruct",
        lambda actor: verbs.instruct_assignment(
            actor=actor,
            assignment=assignment,
            instruction=payload.instruction,
            expected_version=payload.expected_version,
        ),
    )


@post("/cases/{number}/assignments/{assignment_id}/contribute", operation_id="contribute")
def contribute(
    request, payload: ContributeIn, number: str = CaseNumber, assignment_id: int = AssignmentId
):
    assignment = _assignment(request, number, assignment_id)
    return _act(
        request,
        payload,
        "contribute",
        lambda actor: verbs.contribute(
            actor=actor,
            assignment=assignment,
            text=payload.text,
            expected_version=payload.expected_version,
        ),
    )


def _reply_fields(payload) -> dict:
    """A reply's parts (R8.2) as a draft or a submission carries them."""
    return {
        "content": payload.content,
        "remaining_problems": payload.remaining_problems,
        "measures": payload.measures,
        "recommend_nonpublication": payload.recommend_nonpublication,
        "nonpublication_reason": payload.nonpublication_reason,
        "expected_version": payload.expected_version,
    }


@post("/cases/{number}/assignments/{assignment_id}/draft_reply", operation_id="draft_reply")
def draft_reply(
    request, payload: DraftReplyIn, number: str = CaseNumber, assignment_id: int = AssignmentId
):
    assignment = _assignment(request, number, assignment_id)
    return _act(
        request,
        payload,
        "draft_reply",
        lambda actor: verbs.draft_reply(
            actor=actor,
            assignment=assignment,
            **_reply_fields(payload),
        ),
    )


@post(
    "/cases/{number}/assignments/{assignment_id}/save_reply_draft",
    operation_id="save_reply_draft",
)
def save_reply_draft(
    request, payload: SaveReplyDraftIn, number: str = CaseNumber, assignment_id: int = AssignmentId
):
    """R8.2: keep the reply as a draft, not yet submitted to the leader."""
    assignment = _assignment(request, number, assignment_id)
    return _act(
        request,
        payload,
        "save_reply_draft",
        lambda actor: verbs.save_reply_draft(
            actor=actor,
            assignment=assignment,
            **_reply_fields(payload),
        ),
    )


@post(
    "/cases/{number}/assignments/{assignment_id}/send_back_draft",
    operation_id="send_back_draft",
)
def send_back_draft(
    request, payload: NoteIn, number: str = CaseNumber, assignment_id: int = AssignmentId
):
    assignment = _assignment(request, number, assignment_id)
    return _act(
        request,
        payload,
        "send_back_draft",
        lambda actor: verbs.send_back_draft(
            actor=actor,
            assignment=assignment,
            note=payload.note,
            expected_version=payload.expected_version,
        ),
    )


@post("/cases/{number}/assignments/{assignment_id}/approve_reply", operation_id="approve_reply")
def approve_reply(
    request, payload: Versioned, number: str = CaseNumber, assignment_id: int = AssignmentId
):
    assignment = _assignment(request, number, assignment_id)
    return _act(
        request,
        payload,
        "approve_reply",
        lambda actor: verbs.approve_reply(
            actor=actor, assignment=assignment, expected_version=payload.expected_version
        ),
    )


@post("/cases/{number}/assignments/{assignment_id}/return", operation_id="return")
def return_(
    request, payload: ReasonIn, number: str = CaseNumber, assignment_id: int = AssignmentId
):
    assignment = _assignment(request, number, assignment_id)
    suggested = _unit(payload.suggested_unit, "suggested_unit")
    return _act(
        request,
        payload,
        "return",
        lambda actor: verbs.return_assignment(
            actor=actor,
            assignment=assignment,
            reason=payload.reason,
            suggested_unit=suggested,
            expected_version=payload.expected_version,
        ),
    )


@post("/cases/{number}/assignments/{assignment_id}/decide_return", operation_id="decide_return")
def decide_return(
    request, payload: DecideReturnIn, number: str = CaseNumber, assignment_id: int = AssignmentId
):
    assignment = _assignment(request, number, assignment_id)
    return _act(
        request,
        payload,
        # Naming the next units dispatches them (N6): a token needs both.
        ["decide_return", "dispatch"] if payload.plan else "decide_return",
        lambda actor: verbs.decide_return(
            actor=actor,
            assignment=assignment,
            withdraw=payload.withdraw,
            note=payload.note,
            plan=_plan(payload.plan, "plan.") if payload.plan else None,
            expected_version=payload.expected_version,
        ),
    )


# Review, escalation, result (R8.4, R8.8, R9, D9) ------------------------------


@post("/cases/{number}/parts/{part_id}/review", operation_id="review")
def review(request, payload: ReviewIn, number: str = CaseNumber, part_id: int = PartId):
    part = visible_case(request, number).parts.get(pk=part_id)
    return _act(
        request,
        payload,
        "review",
        lambda actor: verbs.review_reply(
            actor=actor,
            part=part,
            approve=payload.approve,
            reasons=payload.reasons,
            agree_nonpublication=payload.agree_nonpublication,
            expected_version=payload.expected_version,
        ),
    )


@post("/cases/{number}/escalate", operation_id="escalate")
def escalate(request, payload: EscalateIn, number: str = CaseNumber):
    case = visible_case(request, number)
    main = _unit(payload.main_recipient, "main_recipient")
    copies = _units(payload.copy_recipients, "copy_recipients")
    return _act(
        request,
        payload,
        "escalate",
        lambda actor: verbs.escalate_case(
            actor=actor,
            case=case,
            summary=payload.summary,
            main_recipient=main,
            copy_recipients=copies,
            expected_version=payload.expected_version,
        ),
    )


@post(
    "/cases/{number}/escalations/{escalation_id}/record_coordination",
    operation_id="record_coordination",
)
def record_coordination(
    request, payload: OutcomeIn, number: str = CaseNumber, escalation_id: int = EscalationId
):
    escalation = visible_case(request, number).escalations.get(pk=escalation_id)
    return _act(
        request,
        payload,
        "record_coordination",
        lambda actor: verbs.record_coordination(
            actor=actor,
            escalation=escalation,
            outcome=payload.outcome,
            expected_version=payload.expected_version,
        ),
    )


@post("/cases/{number}/close", operation_id="close")
def close(request, payload: CloseIn, number: str = CaseNumber):
    case = visible_case(request, number)
    return _act(
        request,
        payload,
        "close",
        lambda actor: verbs.close_case(
            actor=actor, case=case, result=payload.result, expected_version=payload.expected_version
        ),
    )


@post("/cases/{number}/reopen", operation_id="reopen")
def reopen(request, payload: ReopenIn, number: str = CaseNumber):
    case = visible_case(request, number)
    return _act(
        request,
        payload,
        "reopen",
        lambda actor: verbs.reopen_for_redo(
            actor=actor,
            case=case,
            reasons=payload.reasons,
            expected_version=payload.expected_version,
        ),
    )
