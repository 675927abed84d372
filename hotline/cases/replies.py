"""The reply as the requester reads it (R8.2, R9): what was done, the
remaining problems and the measures or proposals, all three, in the
result the requester is sent and the public page shows."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _


def reply_text(reply) -> str:
    """The whole reply in one text, each further part under its heading.
    The headings are in the requester's language (the site's), whatever
    language the reviewer's page is in."""
    with translation.override(settings.LANGUAGE_CODE):
        sections = [reply.content.strip()]
        if reply.remaining_problems.strip():
            sections.append(f"{_('Remaining problems')}：{reply.remaining_problems.strip()}")
        if reply.measures.strip():
            sections.append(f"{_('Measures or proposals')}：{reply.measures.strip()}")
    return "\n".join(sections)


def result_text(approved_replies) -> str:
    """The result of a case: each part's latest approved reply, whole, in
    the parts' order. `approved_replies` come ordered by part, newest
    first (as review._approved_replies reads them)."""
    latest = {}
    for reply in approved_replies:
        latest.setdefault(reply.assignment.part_id, reply)
    return "\n\n".join(reply_text(r) for r in latest.values())
