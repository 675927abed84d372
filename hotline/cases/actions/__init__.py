"""The workflow's verbs: one function per write (R2–R9, D2–D9), one module
per stage (intake, screening and dispatch, handling, returns and take-backs,
review and result, feedback).

Each verb is keyword-only, takes the acting user, and runs in one
transaction: it locks the case, checks that the case has not changed since
the user saw it (`expected_version`), looks the action up in the transition
table (hotline.cases.workflow) and checks the actor's role in the right unit,
then changes the rows, appends the history event, starts and stops clocks
and queues messages. Views, the API and jobs call these and nothing else.
"""

from .common import (
    AROLE,
    INTERNAL_UNIT_KINDS,
    ONLINE_CHANNELS,
    SATISFACTION,
    SERVICE_CENTER_CHANNELS,
    RequesterDetails,
    city_bureau,
)
from .feedback import escalate_case, rate_case, record_coordination, reopen_for_redo
from .handling import (
    approve_reply,
    contribute,
    draft_reply,
    instruct_assignment,
    read_assignment,
    save_reply_draft,
    send_back_draft,
)
from .intake import answer_directly, forward_case, register_case, submit_online
from .merging import merge_cases, unmerge_case
from .returns import (
    decide_return,
    decide_take_back,
    lapse_take_back,
    request_take_back,
    return_assignment,
)
from .review import close_case, is_publishable, responsible_person, review_reply
from .screening import (
    Deadline,
    PartPlan,
    accept_case,
    classify_case,
    decline_repeat,
    dispatch_case,
    dispatch_deadlines,
    dispatch_part,
    refusal_message,
    refuse_case,
    retype_case,
    screen_case,
)

__all__ = [
    "AROLE",
    "INTERNAL_UNIT_KINDS",
    "ONLINE_CHANNELS",
    "SATISFACTION",
    "SERVICE_CENTER_CHANNELS",
    "Deadline",
    "PartPlan",
    "RequesterDetails",
    "accept_case",
    "answer_directly",
    "approve_reply",
    "city_bureau",
    "classify_case",
    "close_case",
    "contribute",
    "decide_return",
    "decide_take_back",
    "decline_repeat",
    "dispatch_case",
    "dispatch_deadlines",
    "dispatch_part",
    "draft_reply",
    "escalate_case",
    "forward_case",
    "instruct_assignment",
    "is_publishable",
    "lapse_take_back",
    "merge_cases",
    "rate_case",
    "read_assignment",
    "record_coordination",
    "refusal_message",
    "refuse_case",
    "register_case",
    "reopen_for_redo",
    "request_take_back",
    "responsible_person",
    "return_assignment",
    "retype_case",
    "review_reply",
    "save_reply_draft",
    "screen_case",
    "send_back_draft",
    "submit_online",
    "unmerge_case",
]
