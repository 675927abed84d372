"""Request types (N1), kept as reference data each process holds a copy of."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hotline.reference.revisions import NOT_READ, Reference

from .errors import InvalidInput
from .models import RequestType

# The type of a case registered by a caller that names none (an older API
# client, a loader); every form and the API ask for the type.
UNSTATED = "help"
CONSULTATION = "consultation"

# One line each, as the public reads the choice on the submit form; a type
# added in the admin shows its name alone.
HINTS = {
    "consultation": _("ask about a policy, a procedure or where to go"),
    "help": _("ask for help with a difficulty or a problem"),
    "complaint": _("your rights were harmed, or a service fell short"),
    "report": _("report a breach of law or rules"),
    "suggestion": _("an idea to improve public work and services"),
    "praise": _("thank a unit or a person for good service"),
}

REQUEST_TYPES = Reference(
    "request types",
    (RequestType,),
    lambda: {request_type.code: request_type for request_type in RequestType.objects.all()},
)


def request_type(code: str, token=NOT_READ) -> RequestType:
    return REQUEST_TYPES.get(token)[code]


def in_use(code: str, types: dict[str, RequestType]) -> RequestType:
    """The type in use that `code` names in `types` (the copy), or the
    caller's mistake, said with the codes it may use."""
    found = types.get(code)
    if found is None or not found.is_active:
        raise InvalidInput(
            gettext("No request type has the code %(code)s: choose one of %(codes)s.")
            % {"code": code, "codes": ", ".join(t.code for t in types.values() if t.is_active)},
            field="request_type",
        )
    return found


def active_request_types() -> list[RequestType]:
    return [t for t in REQUEST_TYPES.get().values() if t.is_active]


def type_of(case, token=NOT_READ) -> RequestType:
    """A case's type from the copy, by its id: no join, and no statement
    when the caller read the token beside the case (a verb's lock)."""
    if token is NOT_READ:
        token = getattr(case, "reference_revisions", {}).get(REQUEST_TYPES.name, NOT_READ)
    return by_id(token)[case.request_type_id]


def by_id(token=NOT_READ) -> dict[int, RequestType]:
    return {t.pk: t for t in REQUEST_TYPES.get(token).values()}
