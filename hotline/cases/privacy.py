"""What of a case's free text the acting role may read (D8).

The roles in FULL_REQUESTER_ROLES handle the case and see the requester in
full; every other role (supervisors, administrators) sees the requester
masked, and so also the requester's details wherever they stand in the
case's free text: its content and location, the replies, instructions,
reviews, escalations, timeline notes and messages. Templates show such
text through the `shown` filter: `{{ reply.content|shown:hide }}`."""

from hotline.cases.publication import mask, mask_for
from hotline.organisation.models import Role

FULL_REQUESTER_ROLES = (Role.AGENT, Role.DISPATCHER, Role.REVIEWER, Role.HANDLER, Role.LEADER)


def mask_name(name: str) -> str:
    """The requester's name as masked roles see it: the surname only."""
    return (name[0] + "*" * (len(name) - 1)) if name else ""


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


class TextFor:
    """The free text of one case as one role may read it."""

    do_not_call_in_templates = True  # a template passes it to `shown`, never calls it

    def __init__(self, masker=None):
        self.masker = masker

    def __call__(self, text) -> str:
        text = "" if text is None else str(text)
        return self.masker(text) if self.masker is not None else text


def text_for(case, role: str) -> TextFor:
    if role in FULL_REQUESTER_ROLES:
        return TextFor()
    return TextFor(mask_for(case.requester))


def shown(text, hide) -> str:
    """`text` through `hide`; without one, masked as the public reads it
    (a template that forgets to pass it shows less, never more)."""
    if isinstance(hide, TextFor):
        return hide(text)
    return mask("" if text is None else str(text))
