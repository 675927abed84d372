"""What of the knowledge base waits on a role (N2): a unit's handler its
drafts, its leader what awaits approval, the city bureau's reviewer what
awaits review. The staff's queue page links to the list."""

from hotline.cases.actions import city_bureau
from hotline.organisation.models import Role

from .models import ArticleVersion
from .workflow import VersionState as V

WAITING = {
    Role.HANDLER: V.DRAFT,
    Role.LEADER: V.AWAITING_APPROVAL,
    Role.REVIEWER: V.AWAITING_REVIEW,
}


def waiting_count(unit, role: str) -> int:
    """Versions waiting on `role` in `unit`: one statement, none for roles
    that keep no articles."""
    state = WAITING.get(role)
    if state is None:
        return 0
    versions = ArticleVersion.objects.filter(state=state)
    if role == Role.REVIEWER:
        if unit.pk != city_bureau().pk:
            return 0
    else:
        versions = versions.filter(article__unit=unit)
    return versions.count()
