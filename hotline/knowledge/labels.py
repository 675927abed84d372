"""The knowledge base's states and history in words (N2)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .workflow import VersionState as V

STATE_LABELS = {
    V.DRAFT: _("draft"),
    V.AWAITING_APPROVAL: _("awaiting the leader's approval"),
    V.AWAITING_REVIEW: _("awaiting the city bureau's review"),
    V.PUBLISHED: pgettext_lazy("knowledge base", "published"),
    V.SUPERSEDED: _("replaced by a later version"),
    V.WITHDRAWN: _("withdrawn"),
}

EVENT_LABELS = {
    "draft_article": _("drafted"),
    "edit_article": _("changed"),
    "submit_article": _("submitted to the leader"),
    "send_back_article": _("sent back by the leader"),
    "approve_article": _("approved by the leader"),
    "return_article": _("returned by the city bureau"),
    "publish_article": pgettext_lazy("knowledge base", "published"),
    "supersede_article": _("replaced by a later version"),
    "withdraw_article": _("withdrawn"),
    "import_article": _("imported from a spreadsheet"),
    "propose_article": _("proposed from an approved reply"),
    "review_notice": _("unit told its review date is near"),
    "review_reminder": _("unit reminded its review date has passed"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))
