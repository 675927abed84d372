"""The workflow's transition table: pure Python, no Django.

One row per action: which entity it moves (case, part or assignment), from
which states, to which state, who may do it (role, and in which unit), the
rules it carries out and what else must hold (`requires`). MOVES adds what
the action moves besides: the rows it creates, the other entities it moves
and each outcome of a decision. The verbs in hotline.cases.actions look
their action up here before they touch a row, and write every state through
`moved()`, so a wrong action, a wrong actor or a move the table does not
name is refused in one place. `mermaid()` draws every move for
docs/workflow.md.

A case is split into parts (R8.7; a plain case has one part); a part is
dispatched to one unit (sole) or to a lead and co-handlers (R8.6), each an
assignment. The case's state follows from its parts' states.
"""

from dataclasses import dataclass
from enum import StrEnum


class CaseState(StrEnum):
    REGISTERED = "registered"  # at the service center, to forward the same day (R5)
    SCREENING = "screening"  # at the city bureau: accept, refuse or decline
    REFUSED = "refused"  # not accepted (R3)
    DECLINED = "declined"  # repeat declined (R8.5)
    DISPATCHING = "dispatching"  # accepted; a part waits for a bureau to dispatch it
    HANDLING = "handling"  # every part is with units
    REVIEWING = "reviewing"  # every part has a reply in review or approved
    APPROVED = "approved"  # every part's reply approved; the result can go out (R9)
    CLOSED = "closed"  # result sent, and published unless R9 says otherwise
    MERGED = "merged"  # merged into a lead case, which it follows (N4)


# A case in one of these states takes no more action.
FINISHED_CASE_STATES = (CaseState.CLOSED, CaseState.REFUSED, CaseState.DECLINED)


class PartState(StrEnum):
    AWAITING_DISPATCH = "awaiting_dispatch"
    TAKE_BACK_REQUESTED = "take_back_requested"  # district asked the city to take it back (R8.3b)
    HANDLING = "handling"
    REVIEWING = "reviewing"
    REDO = "redo"
    APPROVED = "approved"


class AssignmentState(StrEnum):
    RECEIVED = "received"
    READ = "read"  # read and submitted to the leader in charge (R8.1)
    INSTRUCTED = "instructed"  # the leader gave an instruction (R8.1)
    RETURN_REQUESTED = "return_requested"  # the unit returned it (R8.3a)
    AWAITING_APPROVAL = "awaiting_approval"  # reply drafted, for the leader (R8.2)
    SUBMITTED = "submitted"  # reply with the reviewing bureau
    REDO = "redo"  # reply sent back (R8.4a)
    CONTRIBUTED = "contributed"  # a co-handler's contribution sent to the lead (D6)
    DONE = "done"
    WITHDRAWN = "withdrawn"  # the bureau took it back after a return (R8.3a)


class Role(StrEnum):
    """The roles of hotline.organisation.models.Role, plus the public."""

    AGENT = "agent"
    DISPATCHER = "dispatcher"
    REVIEWER = "reviewer"
    HANDLER = "handler"
    LEADER = "leader"
    REQUESTER = "requester"  # a member of the public, no account
    SYSTEM = "system"  # a scheduled job


class Where(StrEnum):
    """Which unit the actor must hold the role in."""

    SERVICE_CENTER = "service center"
    CITY_BUREAU = "city petition bureau"
    HOLDER_BUREAU = "the bureau holding the part"
    REVIEWING_BUREAU = "the bureau reviewing the part"
    ASSIGNED_UNIT = "the assigned unit"
    GENERAL_OFFICE = "a general office"
    ANYWHERE = "—"


@dataclass(frozen=True)
class Transition:
    action: str
    entity: str  # "case", "part" or "assignment"
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    role: Role
    where: Where
    rules: tuple[str, ...]
    # For assignments: which assignment roles the action applies to.
    assignment_roles: tuple[str, ...] = ()
    # What else must hold, by name (hotline.cases.preconditions): the verb
    # refuses and the workbench does not offer the action otherwise.
    requires: tuple[str, ...] = ()


C, P, A = CaseState, PartState, AssignmentState
SOLE_OR_LEAD = ("sole", "lead")
ANY_ASSIGNMENT = ("sole", "lead", "co")
OPEN_CASE = (C.DISPATCHING, C.HANDLING, C.REVIEWING, C.APPROVED)

TRANSITIONS: tuple[Transition, ...] = (
    # Intake
    Transition("register", "case", (), C.REGISTERED, Role.AGENT, Where.SERVICE_CENTER, ("R5",)),
    Transition(
        "forward",
        "case",
        (C.REGISTERED,),
        C.SCREENING,
        Role.AGENT,
        Where.SERVICE_CENTER,
        ("R5", "D2"),
    ),
    Transition(
        "submit_online", "case", (), C.SCREENING, Role.REQUESTER, Where.ANYWHERE, ("R2", "R5")
    ),
    # N3: a consultation a current article answers is registered closed:
    # never forwarded nor dispatched.
    Transition(
        "answer_directly", "case", (), C.CLOSED, Role.AGENT, Where.SERVICE_CENTER, ("N3", "R5")
    ),
    # Screening at the city bureau
    # N4: a lead answers for the cases merged into it; they are taken out
    # first, each then refused or declined on its own.
    Transition(
        "refuse",
        "case",
        (C.SCREENING,),
        C.REFUSED,
        Role.DISPATCHER,
        Where.CITY_BUREAU,
        ("R3",),
        requires=("not_followed",),
    ),
    Transition(
        "decline_repeat",
        "case",
        (C.SCREENING,),
        C.DECLINED,
        Role.DISPATCHER,
        Where.CITY_BUREAU,
        ("R8.5", "D7"),
        requires=("repeat_answered_enough", "not_followed"),
    ),
    Transition(
        "accept",
        "case",
        (C.SCREENING,),
        C.DISPATCHING,
        Role.DISPATCHER,
        Where.CITY_BUREAU,
        ("R3", "R4"),
    ),
    Transition(
        "retype",
        "case",
        (C.SCREENING, *OPEN_CASE),
        None,
        Role.DISPATCHER,
        Where.CITY_BUREAU,
        ("N1",),
    ),
    Transition(
        "classify",
        "case",
        (C.DISPATCHING,),
        None,
        Role.DISPATCHER,
        Where.CITY_BUREAU,
        ("R4", "R6"),
        requires=("not_dispatched",),
    ),
    # N4: the city bureau merges cases about one matter into a lead case
    # before the lead is dispatched, and may undo it until then.
    Transition(
        "merge",
        "case",
        (C.SCREENING, C.DISPATCHING),
        C.MERGED,
        Role.DISPATCHER,
        Where.CITY_BUREAU,
        ("N4",),
        requires=("undispatched", "not_followed"),
    ),
    Transition(
        "unmerge",
        "case",
        (C.MERGED,),
        None,
        Role.DISPATCHER,
        Where.CITY_BUREAU,
        ("N4",),
        requires=("lead_undispatched",),
    ),
    # Dispatch (R4, R7) and the district's request to take a case back (R8.3b, D4)
    Transition(
        "dispatch",
        "part",
        (P.AWAITING_DISPATCH,),
        P.HANDLING,
        Role.DISPATCHER,
        Where.HOLDER_BUREAU,
        ("R4", "R7", "R8.6", "R8.7"),
        requires=("classified",),
    ),
    Transition(
        "pass_to_district",
        "part",
        (P.AWAITING_DISPATCH,),
        P.AWAITING_DISPATCH,
        Role.DISPATCHER,
        Where.HOLDER_BUREAU,
        ("R4", "R7"),
    ),
    Transition(
        "request_take_back",
        "part",
        (P.AWAITING_DISPATCH,),
        P.TAKE_BACK_REQUESTED,
        Role.DISPATCHER,
        Where.HOLDER_BUREAU,
        ("R8.3b",),
        requires=("held_by_district", "first_take_back", "within_take_back_period"),
    ),
    Transition(
        "decide_take_back",
        "part",
        (P.TAKE_BACK_REQUESTED,),
        P.AWAITING_DISPATCH,
        Role.DISPATCHER,
        Where.CITY_BUREAU,
        ("R8.3b",),
    ),
    Transition(
        "lapse_take_back",
        "part",
        (P.TAKE_BACK_REQUESTED,),
        P.AWAITING_DISPATCH,
        Role.SYSTEM,
        Where.ANYWHERE,
        ("D4",),
    ),
    # Handling in the unit
    Transition(
        "read",
        "assignment",
        (A.RECEIVED,),
        A.READ,
        Role.HANDLER,
        Where.ASSIGNED_UNIT,
        ("R8.1",),
        ANY_ASSIGNMENT,
    ),
    Transition(
        "instruct",
        "assignment",
        (A.READ,),
        A.INSTRUCTED,
        Role.LEADER,
        Where.ASSIGNED_UNIT,
        ("R8.1",),
        ANY_ASSIGNMENT,
    ),
    Transition(
        "contribute",
        "assignment",
        (A.INSTRUCTED,),
        A.CONTRIBUTED,
        Role.HANDLER,
        Where.ASSIGNED_UNIT,
        ("D6",),
        ("co",),
    ),
    Transition(
        "draft_reply",
        "assignment",
        (A.INSTRUCTED, A.REDO),
        A.AWAITING_APPROVAL,
        Role.HANDLER,
        Where.ASSIGNED_UNIT,
        ("R8.2", "R9"),
        SOLE_OR_LEAD,
    ),
    Transition(
        "save_reply_draft",
        "assignment",
        (A.INSTRUCTED, A.REDO),
        None,
        Role.HANDLER,
        Where.ASSIGNED_UNIT,
        ("R8.2",),
        SOLE_OR_LEAD,
    ),
    Transition(
        "send_back_draft",
        "assignment",
        (A.AWAITING_APPROVAL,),
        None,
        Role.LEADER,
        Where.ASSIGNED_UNIT,
        ("R8.2",),
        SOLE_OR_LEAD,
    ),
    Transition(
        "approve_reply",
        "assignment",
        (A.AWAITING_APPROVAL,),
        A.SUBMITTED,
        Role.LEADER,
        Where.ASSIGNED_UNIT,
        ("R8.2", "R8.4b"),
        SOLE_OR_LEAD,
    ),
    Transition(
        "return",
        "assignment",
        (A.RECEIVED, A.READ, A.INSTRUCTED),
        A.RETURN_REQUESTED,
        Role.HANDLER,
        Where.ASSIGNED_UNIT,
        ("R8.3a",),
        ANY_ASSIGNMENT,
        requires=("return_not_rejected", "within_return_period"),
    ),
    Transition(
        "decide_return",
        "assignment",
        (A.RETURN_REQUESTED,),
        None,
        Role.DISPATCHER,
        Where.HOLDER_BUREAU,
        ("R8.3a", "D3"),
        ANY_ASSIGNMENT,
    ),
    # Review (R8.4)
    Transition(
        "review",
        "part",
        (P.REVIEWING,),
        None,
        Role.REVIEWER,
        Where.REVIEWING_BUREAU,
        ("R8.4a", "R8.4b", "D5", "R9"),
    ),
    # Escalation, result, rating
    Transition("escalate", "case", OPEN_CASE, None, Role.DISPATCHER, Where.CITY_BUREAU, ("R8.8",)),
    Transition(
        "record_coordination",
        "case",
        (*OPEN_CASE, C.CLOSED),
        None,
        Role.LEADER,
        Where.GENERAL_OFFICE,
        ("R8.8",),
    ),
    Transition("close", "case", (C.APPROVED,), C.CLOSED, Role.REVIEWER, Where.CITY_BUREAU, ("R9",)),
    Transition("rate", "case", (C.CLOSED,), None, Role.REQUESTER, Where.ANYWHERE, ("D9",)),
    Transition(
        "reopen",
        "case",
        (C.CLOSED,),
        C.HANDLING,
        Role.REVIEWER,
        Where.CITY_BUREAU,
        ("D9", "N3"),
        requires=("rated_dissatisfied", "handled_by_units"),
    ),
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}


@dataclass(frozen=True)
class Move:
    """A state change an action makes: `entity` from one of `sources` (none:
    a row the action creates) to one of `targets`."""

    entity: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]


EVERY_ASSIGNMENT = tuple(s.value for s in AssignmentState if s != AssignmentState.WITHDRAWN)

# What an action moves besides its row's own change: the parts and
# assignments it creates, the other entities it moves, and each outcome of
# a decision. A case's state after screening follows from its parts
# (case_state_from_parts): it is derived, never chosen, so not listed.
MOVES: dict[str, tuple[Move, ...]] = {
    "register": (Move("case", (), (C.SCREENING,)),),  # forwarded as it is registered
    "accept": (Move("part", (), (P.AWAITING_DISPATCH,)),),
    # back to where it was: screening, or dispatching once accepted (N4)
    "unmerge": (Move("case", (C.MERGED,), (C.SCREENING, C.DISPATCHING)),),
    # N4: the lead's result closes every case merged into it
    "close": (Move("case", (C.MERGED,), (C.CLOSED,)),),
    "dispatch": (
        Move("part", (), (P.AWAITING_DISPATCH,)),  # the further parts of a split (R8.7)
        Move("assignment", (), (A.RECEIVED,)),
    ),
    "send_back_draft": (Move("assignment", (A.AWAITING_APPROVAL,), (A.INSTRUCTED, A.REDO)),),
    "approve_reply": (Move("part", (P.HANDLING, P.REDO), (P.REVIEWING,)),),
    "decide_return": (
        # withdrawn: the unit (a sole or lead unit with the whole part, which
        # goes back to its bureau); rejected: the unit carries on (D3)
        Move("assignment", EVERY_ASSIGNMENT, (A.WITHDRAWN,)),
        Move("part", (P.HANDLING, P.REDO), (P.AWAITING_DISPATCH,)),
        Move("assignment", (A.RETURN_REQUESTED,), (A.RECEIVED, A.READ, A.INSTRUCTED)),
    ),
    "review": (
        Move("part", (P.REVIEWING,), (P.APPROVED, P.REDO)),
        Move("assignment", EVERY_ASSIGNMENT, (A.DONE,)),  # approved: every unit of the part
        Move("assignment", (A.SUBMITTED,), (A.REDO,)),  # sent back (R8.4a)
    ),
    "reopen": (
        Move("part", (P.APPROVED,), (P.REDO,)),
        Move("assignment", (A.DONE,), (A.REDO,)),
        # N4: a redo of the lead takes its result back from the cases merged
        # into it, which follow it again
        Move("case", (C.CLOSED,), (C.MERGED,)),
    ),
}


def moves(action: str) -> tuple[Move, ...]:
    """Every state change `action` may make, its row's own first."""
    row = BY_ACTION[action]
    own = (Move(row.entity, row.sources, (row.target,)),) if row.target is not None else ()
    return own + MOVES.get(action, ())


class InvalidMove(Exception):
    def __init__(self, action: str, entity: str, source: str | None, target: str):
        super().__init__(f"{action} does not move a {entity} from {source or 'new'} to {target}")


def moved(action: str, entity: str, source: str | None, target: str) -> str:
    """`target`, if `action` may move `entity` there from `source` (None: a
    new row); every state a verb writes goes through here."""
    for move in moves(action):
        if move.entity != entity or target not in move.targets:
            continue
        if (source is None and not move.sources) or (source is not None and source in move.sources):
            return target
    raise InvalidMove(action, entity, source, target)


class InvalidTransition(Exception):
    def __init__(self, action: str, state: str):
        super().__init__(f"{action} is not possible in state {state}")
        self.action = action
        self.state = state


def check(action: str, state: str | None, assignment_role: str | None = None) -> Transition:
    """The row for `action` if it may happen in `state`; else InvalidTransition."""
    row = BY_ACTION[action]
    if state is None:
        if row.sources:
            raise InvalidTransition(action, "new")
    elif state not in row.sources:
        raise InvalidTransition(action, state)
    if row.assignment_roles and assignment_role not in row.assignment_roles:
        raise InvalidTransition(action, f"{state} ({assignment_role})")
    return row


# How far along a part is; the case is as far as its least advanced part.
_PART_PROGRESS = {
    P.AWAITING_DISPATCH: C.DISPATCHING,
    P.TAKE_BACK_REQUESTED: C.DISPATCHING,
    P.HANDLING: C.HANDLING,
    P.REDO: C.HANDLING,
    P.REVIEWING: C.REVIEWING,
    P.APPROVED: C.APPROVED,
}
_CASE_ORDER = [C.DISPATCHING, C.HANDLING, C.REVIEWING, C.APPROVED]


def case_state_from_parts(part_states: list[str]) -> CaseState:
    if not part_states:
        return C.DISPATCHING
    return min((_PART_PROGRESS[PartState(s)] for s in part_states), key=_CASE_ORDER.index)


def mermaid() -> str:
    """The table as Mermaid state diagrams, one per entity: every move of
    every action (an action that changes no state loops on its sources)."""
    out = []
    for entity in ("case", "part", "assignment"):
        out.append(f"### {entity.capitalize()}\n\n```mermaid\nstateDiagram-v2")
        seen = set()
        for row in TRANSITIONS:
            label = f"{row.action} ({row.role.value}; {', '.join(row.rules)})"
            lines = [
                (source, target)
                for move in moves(row.action)
                if move.entity == entity
                for source in move.sources or ("[*]",)
                for target in move.targets
            ]
            if not lines and row.entity == entity and row.target is None:
                lines = [(source, source) for source in row.sources]
            for source, target in lines:
                line = f"    {source} --> {target}: {label}"
                if line not in seen:
                    seen.add(line)
                    out.append(line)
        if entity == "case":
            out.append(
                "    note right of dispatching: after screening, a case is as far "
                "as its least advanced part"
            )
        out.append("```\n")
    return "\n".join(out)
