"""Granting and revoking roles: the responsibility roster (R10).

Each change is one transaction that also appends a RosterChange, so the
roster's history says who changed what and when.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import ROLE_UNIT_KINDS, ROSTER_ROLES, Role, RoleGrant, RosterChange, Unit, User


def is_administrator(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.holds(Role.ADMINISTRATOR))


def may_change_roster(actor: User, unit: Unit, role: str) -> bool:
    """Administrators change any role; a unit's leader in charge names its
    handlers (R10)."""
    if is_administrator(actor):
        return True
    return role == Role.HANDLER and actor.is_active and actor.holds(Role.LEADER, unit)


def _check(actor: User, unit: Unit, role: str) -> None:
    if not may_change_roster(actor, unit, role):
        raise PermissionDenied(_("You may not change the roles of this unit."))


def check_grant(*, actor: User, person: User, unit: Unit, role: str) -> None:
    """Raise PermissionDenied or ValidationError unless the grant may be made."""
    _check(actor, unit, role)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    kinds = ROLE_UNIT_KINDS[role]
    if kinds is not None and unit.kind not in kinds:
        raise ValidationError(
            {
                "role": _("The role %(role)s cannot be held in a %(kind)s.")
                % {"role": Role(role).label, "kind": unit.get_kind_display()}
            }
        )
    if not unit.is_active:
        raise ValidationError({"unit": _("This unit is no longer active.")})
    if RoleGrant.objects.filter(user=person, unit=unit, role=role).exists():
        raise ValidationError(
            _("%(person)s already holds this role in %(unit)s.") % {"person": person, "unit": unit}
        )


@transaction.atomic
def grant_role(*, actor: User, person: User, unit: Unit, role: str) -> RoleGrant:
    check_grant(actor=actor, person=person, unit=unit, role=role)
    grant = RoleGrant.objects.create(user=person, unit=unit, role=role)
    person.forget_grants()
    change = RosterChange.objects.create(
        unit=unit, person=person, role=role, change=RosterChange.Change.ADDED, changed_by=actor
    )
    _report(change)
    return grant


@transaction.atomic
def revoke_role(*, actor: User, grant: RoleGrant) -> None:
    _check(actor, grant.unit, grant.role)
    deleted, _rows = RoleGrant.objects.filter(pk=grant.pk).delete()
    if not deleted:
        raise ValidationError(_("This role had already been removed."))
    grant.user.forget_grants()
    _report(
        RosterChange.objects.create(
            unit=grant.unit,
            person=grant.user,
            role=grant.role,
            change=RosterChange.Change.REMOVED,
            changed_by=actor,
        )
    )


def _report(change: RosterChange) -> None:
    """R10: a change to a unit's leader in charge or handlers is reported to
    the bodies the regulation names (see supervision.rules.roster_recipients)."""
    if change.role not in ROSTER_ROLES:
        return
    from hotline.notifications.outbox import notify
    from hotline.supervision.rules import roster_recipients

    what = "增加" if change.change == RosterChange.Change.ADDED else "移除"
    notify(
        roster_recipients(change.unit),
        None,
        f"{change.unit.name}责任名单变动：{what}{change.get_role_display()}{change.person.name}",
    )
