"""A unit's reply templates (R8.2): wording its handlers and leaders keep
for the three parts of a reply, offered by the reply form. Only the unit's
own handlers and leaders see, write or delete them."""

from django.db import transaction
from django.utils.translation import gettext as _

from hotline.organisation.models import Role, Unit, User

from .errors import InvalidInput, NotAllowed
from .models import ReplyTemplate

KEEPERS = (Role.HANDLER, Role.LEADER)


def may_keep(actor: User | None, unit: Unit) -> bool:
    return (
        actor is not None
        and actor.is_active
        and any((unit.pk, role) in actor.grants() for role in KEEPERS)
    )


def _require_keeper(actor: User | None, unit: Unit) -> None:
    if not may_keep(actor, unit):
        raise NotAllowed(
            _("Only the handlers and leaders of %(unit)s keep its reply templates.")
            % {"unit": unit.name}
        )


@transaction.atomic
def save_reply_template(
    *,
    actor: User,
    unit: Unit,
    title: str,
    content: str,
    remaining_problems: str = "",
    measures: str = "",
    template: ReplyTemplate | None = None,
) -> ReplyTemplate:
    """A new template for `unit`, or `template` (of that unit) changed."""
    _require_keeper(actor, unit)
    if template is not None and template.unit_id != unit.pk:
        raise NotAllowed(_("This template belongs to another unit."))
    title, content = title.strip(), content.strip()
    if not title:
        raise InvalidInput(_("Give the template a title."), field="title")
    if not content:
        raise InvalidInput(_("Write what was done."), field="content")
    template = template or ReplyTemplate(unit=unit)
    template.title = title[:100]
    template.content = content
    template.remaining_problems = remaining_problems.strip()
    template.measures = measures.strip()
    template.save()
    return template


@transaction.atomic
def delete_reply_template(*, actor: User, template: ReplyTemplate) -> None:
    _require_keeper(actor, template.unit)
    template.delete()


def templates_for(unit: Unit):
    return ReplyTemplate.objects.filter(unit=unit)
