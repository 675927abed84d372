"""D9: the rating link in the result message, for the requester alone.

The link is signed and names the case and its requester; it opens the
rating form for that case only while the requester is the one on the case.
Staff never see it: pages that show a message's text show it through
`without_rating_link`, and the portal refuses to rate for a staff session
(hotline.portal.views)."""

import re
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

SALT = "hotline.rating"
# A result message's link keeps working this long.
VALID_FOR = timedelta(days=180)
# The link as rating_url writes it, wherever in a text it stands.
LINK = re.compile(r"\S*/portal/rate/[^\s/]+/?")


def rating_url(case) -> str:
    """The link for the result message: signed, bound to the case and its
    requester, no query code in it."""
    token = signing.dumps({"case": case.number, "requester": case.requester_id}, salt=SALT)
    return f"{settings.HOTLINE_PUBLIC_URL}/portal/rate/{token}/"


def case_for(token: str):
    """The closed, unrated case a link opens, or None: a bad or expired
    signature, a link of another form (an unbound one from before links
    named the requester), or a case whose requester is no longer the one
    the link was sent to."""
    from .models import Case

    try:
        signed = signing.loads(token, salt=SALT, max_age=VALID_FOR)
    except signing.BadSignature:
        return None
    if not isinstance(signed, dict):
        return None
    return Case.objects.filter(
        number=signed.get("case"),
        requester_id=signed.get("requester"),
        state="closed",
        rated_at__isnull=True,
    ).first()


def without_rating_link(text: str) -> str:
    """A message's text as staff may read it: the requester's rating link
    replaced by a note."""
    return LINK.sub(_("[rating link, for the requester only]"), text or "")
