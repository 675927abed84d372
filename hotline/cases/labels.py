"""What the states, events and message channels are called on screen."""

from django.utils.translation import gettext_lazy as _

STATE_LABELS = {
    # case
    "registered": _("registered, to forward"),
    "screening": _("screening at the city bureau"),
    "refused": _("refused"),
    "declined": _("declined as a repeat"),
    "dispatching": _("to dispatch"),
    "handling": _("being handled"),
    "reviewing": _("reply in review"),
    "approved": _("reply approved"),
    "closed": _("closed"),
    "merged": _("merged into another case"),
    # part
    "awaiting_dispatch": _("to dispatch"),
    "take_back_requested": _("district asks the city to take it back"),
    "redo": _("redo"),
    # assignment
    "received": _("received, to read"),
    "read": _("read, with the leader"),
    "instructed": _("instructed, to reply"),
    "return_requested": _("returned, awaiting the bureau"),
    "awaiting_approval": _("reply with the leader"),
    "submitted": _("reply with the bureau"),
    "contributed": _("contribution sent"),
    "done": _("done"),
    "withdrawn": _("withdrawn"),
}

EVENT_LABELS = {
    "register": _("registered"),
    "forward": _("forwarded to the city bureau"),
    "submit_online": _("submitted online"),
    "answer_directly": _("answered directly from the knowledge base"),
    "import": _("imported from the earlier system"),
    "refuse": _("refused"),
    "decline_repeat": _("declined as a repeat"),
    # Not "accepted": that word is also a return request's answer (已同意),
    # and accepting a case is 受理.
    "accept": _("accepted for handling"),
    "classify": _("classified"),
    "retype": _("request type changed"),
    "merge": _("merged into a lead case"),
    "merged_in": _("other requests merged into this case"),
    "unmerge": _("merge undone"),
    "unmerged_out": _("a merged request taken out again"),
    "dispatch": _("dispatched"),
    "pass_to_district": _("passed to a district bureau"),
    "request_take_back": _("district asked the city to take it back"),
    "decide_take_back": _("city answered the take-back request"),
    "lapse_take_back": _("take-back request lapsed"),
    "read": _("read and submitted to the leader"),
    "instruct": _("leader's instruction"),
    "contribute": _("co-handler's contribution"),
    "draft_reply": _("reply drafted"),
    "save_reply_draft": _("reply draft saved"),
    "send_back_draft": _("draft sent back by the leader"),
    "approve_reply": _("reply approved by the leader"),
    "return": _("returned by the unit"),
    "decide_return": _("bureau decided on the return"),
    "review": _("reviewed"),
    "escalate": _("escalated to the general office"),
    "record_coordination": _("coordinated outcome recorded"),
    "close": _("result sent and closed"),
    "rate": _("rated by the requester"),
    "reopen": _("reopened for a redo"),
    "clock_breached": _("deadline missed"),
    "clock_recomputed": _("deadline recomputed"),
    "excuse_violation": _("violation excused by the efficiency office"),
    "acknowledge_early_warning": _("early warning acknowledged"),
}

# How a message to the requester went out (Message.channel holds the
# channel's configured name).
MESSAGE_CHANNEL_LABELS = {
    "sms": _("SMS"),
    "email": _("email"),
    "fax": _("fax"),
    "callback": _("call back"),
}
