from django import template
from django.utils.translation import gettext as _

from hotline.calendar.workdays import end_text
from hotline.cases import privacy
from hotline.cases.labels import EVENT_LABELS, MESSAGE_CHANNEL_LABELS, STATE_LABELS
from hotline.cases.rating import without_rating_link

register = template.Library()


@register.filter
def state_label(state):
    return STATE_LABELS.get(state, state)


@register.filter
def event_label(action):
    return EVENT_LABELS.get(action, action)


@register.filter
def deadline(due, short=False):
    """A clock's deadline as its last day: "2026-12-15 24:00前" (D1);
    `|deadline:"short"` leaves out the year."""
    return _("by %(end)s") % {"end": end_text(due, year=not short)}


@register.filter
def message_channel(name):
    return MESSAGE_CHANNEL_LABELS.get(name, name)


register.filter("mask_name", privacy.mask_name)
register.filter("mask_phone", privacy.mask_phone)


@register.filter
def staff_text(text):
    """A message to the requester as staff may read it: without the rating
    link, which is the requester's alone (D9)."""
    return without_rating_link(text)


@register.filter
def shown(text, hide):
    """Free text as the acting role may read it (D8): `{{ x|shown:hide }}`."""
    return privacy.shown(text, hide)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
