"""Request types (N1), kept as reference data each process holds a copy of."""

from hotline.reference.revisions import NOT_READ, Reference

from .models import RequestType

# The type of a case registered by a caller that names none (an older API
# client, a loader); every form and the API ask for the type.
UNSTATED = "help"
CONSULTATION = "consultation"

REQUEST_TYPES = Reference(
    "request types",
    (RequestType,),
    lambda: {request_type.code: request_type for request_type in RequestType.objects.all()},
)


def request_type(code: str, token=NOT_READ) -> RequestType:
    return REQUEST_TYPES.get(token)[code]


def active_request_types() -> list[RequestType]:
    return [t for t in REQUEST_TYPES.get().values() if t.is_active]
