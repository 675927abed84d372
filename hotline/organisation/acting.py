"""Which unit and role a member of staff is acting in right now.

A person may hold several roles in several units; the workbench shows one
at a time, chosen on the switch menu and kept in the session."""

from dataclasses import dataclass

from hotline.organisation.models import Role, Unit

SESSION_KEY = "hotline_acting"
# The order a person's roles are offered in when they have not chosen.
ROLE_ORDER = [
    Role.AGENT,
    Role.DISPATCHER,
    Role.REVIEWER,
    Role.HANDLER,
    Role.LEADER,
    Role.SUPERVISOR,
    Role.ADMINISTRATOR,
]


@dataclass(frozen=True)
class Acting:
    unit: Unit
    role: str

    @property
    def key(self) -> str:
        return f"{self.unit.pk}:{self.role}"

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def choices(user) -> list[Acting]:
    grants = [Acting(unit, role) for (_uid, role), unit in user.grants().items()]
    return sorted(grants, key=lambda a: (ROLE_ORDER.index(a.role), a.unit.level, a.unit.name))


def current(request) -> Acting | None:
    if not request.user.is_authenticated:
        return None
    options = choices(request.user)
    chosen = request.session.get(SESSION_KEY)
    for option in options:
        if option.key == chosen:
            return option
    return options[0] if options else None


def context(request):
    """Template context: the acting unit and role, and the others on offer."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    acting = current(request)
    return {"acting": acting, "acting_choices": choices(request.user)}
