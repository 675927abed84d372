"""The versioned JSON API at /api/v1/ (django-ninja): its authentication,
errors, and the OpenAPI 3.1 document with the parts ninja cannot infer
(problem responses, the Idempotency-Key header)."""

from functools import wraps

from ninja import NinjaAPI, Swagger
from pydantic import BaseModel

from . import (
    endpoints_catalogue,  # noqa: F401  (adds the dispatch catalogue's read to the router)
    endpoints_early_warnings,  # noqa: F401  (adds the early warnings, N10)
    endpoints_knowledge,  # noqa: F401  (adds the knowledge base's reads to the router)
    endpoints_suggestions,  # noqa: F401  (adds the dispatch suggestions to the router)
    endpoints_supervision,  # noqa: F401  (adds its reads and the excuse to the router)
    problems,
)
from .auth import StaffSession, TokenAuth
from .endpoints_actions import router  # the reads' router, the actions added to it
from .idempotency import HEADER, MAX_KEY_LENGTH, REPLAYED
from .renderers import Renderer
from .schemas import ProblemOut

DESCRIPTION = """\
Hotline's JSON API: every workflow action and the reads behind them.
Authenticate with `Authorization: Bearer hl_…` (an API token) or the staff
session (with `X-CSRFToken` on POST). Every POST needs an `Idempotency-Key`.
Errors are RFC 9457 problem details. See docs/api.md."""

ERRORS = {
    "400": "Missing Idempotency-Key, an unknown query parameter, or an unreadable request",
    "401": "Not authenticated",
    "403": "Not allowed (role, unit, token scope, CSRF)",
    "404": "Not found, or not visible to the caller",
    "409": "The case changed, the action does not fit its state, or the key is in use",
    "413": "The body is over the upload limit",
    "422": "Invalid fields, or an Idempotency-Key reused with another request",
}
READ_ERRORS = ("400", "401", "403", "404", "422")
CASE_OUT = "#/components/schemas/CaseOut"
# POSTs that only read (a long text in the body): no Idempotency-Key, no case back.
READS_BY_POST = ("suggest",)


class HotlineAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = ProblemOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        problem = {"$ref": "#/components/schemas/Problem"}
        for methods in schema["paths"].values():
            for method, operation in methods.items():
                # ninja keys responses by int; the document's keys are strings.
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                reads = method == "get" or operation["operationId"] in READS_BY_POST
                codes = READ_ERRORS if reads else tuple(ERRORS)
                for code in codes:
                    responses[code] = {
                        "description": ERRORS[code],
                        "content": {problems.MEDIA_TYPE: {"schema": problem}},
                    }
                if method == "post" and operation["operationId"] not in READS_BY_POST:
                    _document_post(operation, register=operation["operationId"] == "register")
        return schema


def _document_post(operation: dict, *, register: bool) -> None:
    operation.setdefault("parameters", []).append(
        {
            "name": HEADER,
            "in": "header",
            "required": True,
            "description": "Unique per request; a retry with the same key and body "
            "gets the first answer (kept 24 hours).",
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
        }
    )
    responses = operation["responses"]
    responses.pop("200", None)
    responses["201" if register else "200"] = {
        "description": "The case after the action",
        "headers": {
            REPLAYED: {
                "description": "true when this is the stored answer to an earlier request",
                "schema": {"type": "string"},
            }
        },
        "content": {"application/json": {"schema": {"$ref": CASE_OUT}}},
    }


api = HotlineAPI(
    title="Hotline API",
    version="1",
    description=DESCRIPTION,
    auth=[TokenAuth(), StaffSession()],
    renderer=Renderer(),
    # Swagger UI would otherwise send the document to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    urls_namespace="api-v1",
)


def refuse_unknown_query_parameters(view):
    """A query parameter an endpoint does not have is refused (400), not
    ignored: `?satisfaction=dissatisfied` on /cases once answered every
    case as though it had filtered them. Run on the validated arguments,
    whose schemas name every parameter the endpoint reads."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method == "GET":
            allowed = set()
            for name, value in kwargs.items():
                if isinstance(value, BaseModel):
                    allowed |= {f.alias or n for n, f in type(value).model_fields.items()}
                else:
                    allowed.add(name)
            unknown = sorted(set(request.GET) - allowed)
            if unknown:
                raise problems.Problem(
                    "unknown_parameter",
                    errors=[problems.field_error(n, "Unknown query parameter.") for n in unknown],
                )
        return view(request, *args, **kwargs)

    return checked


router.add_decorator(refuse_unknown_query_parameters)
problems.install(api)
api.add_router("", router)
