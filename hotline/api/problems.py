"""Errors as RFC 9457 problem details (`application/problem+json`).

Every error the API returns has a stable machine `code`, fixed English and
Chinese messages for that code (`message_en`, `message_zh`: part of the
contract, so they do not follow the translation catalogue), and a `detail`
in the caller's language saying what exactly went wrong (for a refused
action, the verb's own message, as the workbench shows it). Validation
errors name each field in `errors`."""

import json
import logging

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hotline.cases.errors import CaseChanged, InvalidInput, NotAllowed, WorkflowError, WrongState

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"

# code: (status, English, Chinese)
CODES: dict[str, tuple[int, str, str]] = {
    "bad_request": (400, "The request could not be read.", "请求无法解析。"),
    "unknown_parameter": (
        400,
        "The request names a query parameter this endpoint does not have.",
        "请求中含有该接口不支持的查询参数。",
    ),
    "idempotency_key_missing": (
        400,
        "An Idempotency-Key header is required on every POST.",
        "每个 POST 请求都须带 Idempotency-Key 请求头。",
    ),
    "not_authenticated": (
        401,
        "Authenticate with an API token or a staff session.",
        "请使用 API 令牌或工作人员登录会话进行身份验证。",
    ),
    "forbidden": (403, "You may not do this.", "您无权执行此操作。"),
    "csrf_failed": (
        403,
        "The CSRF check failed: send the X-CSRFToken header with a session.",
        "CSRF 校验失败：使用登录会话时须带 X-CSRFToken 请求头。",
    ),
    "no_role": (
        403,
        "This account holds no role in the unit it acts in.",
        "该账号在其所代表的单位中没有任何角色。",
    ),
    "action_not_allowed": (
        403,
        "This API token is not allowed to take this action.",
        "该 API 令牌无权执行此操作。",
    ),
    "not_allowed": (
        403,
        "Only the right role in the right unit may do this.",
        "只有相应单位的相应角色才能执行此操作。",
    ),
    "not_found": (404, "Not found.", "未找到。"),
    "method_not_allowed": (405, "Method not allowed.", "不支持该请求方法。"),
    "wrong_state": (
        409,
        "This cannot be done at the stage the case is in.",
        "诉求件当前所处环节不能执行此操作。",
    ),
    "case_changed": (
        409,
        "The case has changed since the version given; read it again.",
        "诉求件在所给版本之后已有变动，请重新读取。",
    ),
    "idempotency_in_progress": (
        409,
        "A request with this Idempotency-Key is still being processed.",
        "使用该 Idempotency-Key 的请求仍在处理中。",
    ),
    "idempotency_key_reused": (
        422,
        "This Idempotency-Key was used with a different request.",
        "该 Idempotency-Key 已用于另一个不同的请求。",
    ),
    "too_large": (413, "The request is too large.", "请求内容过大。"),
    "validation_error": (422, "Some fields are not valid.", "部分字段无效。"),
    "invalid_input": (422, "Some input is not valid.", "部分输入无效。"),
    "server_error": (500, "Something went wrong on our side.", "服务器内部错误。"),
    "unavailable": (
        503,
        "The service is unavailable; try again shortly.",
        "服务暂时不可用，请稍后再试。",
    ),
}

WORKFLOW_CODES = {
    NotAllowed: "not_allowed",
    WrongState: "wrong_state",
    CaseChanged: "case_changed",
    InvalidInput: "invalid_input",
}


class Problem(Exception):
    """Raise to answer with a problem of a known code."""

    def __init__(self, code: str, detail: str = "", *, errors: list[dict] | None = None):
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.errors = errors


def body(request: HttpRequest, code: str, detail: str = "", errors: list[dict] | None = None):
    status, english, chinese = CODES[code]
    problem = {
        "type": f"urn:hotline:problem:{code}",
        "title": english,
        "status": status,
        "detail": detail or english,
        "code": code,
        "message_en": english,
        "message_zh": chinese,
        "instance": request.path,
    }
    if errors:
        problem["errors"] = errors
    return status, problem


def response(
    request: HttpRequest, code: str, detail: str = "", errors: list[dict] | None = None
) -> HttpResponse:
    status, problem = body(request, code, detail, errors)
    return HttpResponse(
        json.dumps(problem, ensure_ascii=False), status=status, content_type=MEDIA_TYPE
    )


def field_error(field: str, message: str) -> dict:
    return {"field": field, "pointer": f"/{field}", "message": message}


def for_workflow_error(request: HttpRequest, error: WorkflowError) -> HttpResponse:
    code = WORKFLOW_CODES.get(type(error), "invalid_input")
    errors = [field_error(error.field, error.message)] if error.field else None
    return response(request, code, error.message, errors)


def _validation(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        # loc is ("body", <param>, "field", ...) or ("query", "field"): the
        # first two name where, not what.
        loc = [str(p) for p in error.get("loc", ())]
        source = loc[0] if loc else "body"
        path = loc[2:] if source == "body" and len(loc) > 2 else loc[1:]
        field = ".".join(path) or source
        errors.append(
            {
                "field": field,
                "in": source,
                "pointer": "/" + "/".join(path) if source == "body" else None,
                "message": error.get("msg", ""),
            }
        )
    return response(request, "validation_error", errors=errors)


def _http_error(request, exc: HttpError):
    if isinstance(exc, AuthenticationError):
        reply = response(request, "not_authenticated")
        reply["WWW-Authenticate"] = 'Bearer realm="hotline"'
        return reply
    code = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    return response(request, code.get(exc.status_code, "bad_request"), str(exc))


def _suspicious(request, exc: SuspiciousOperation):
    """Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, or too many
    fields, when it is read: the caller's mistake, not ours."""
    return response(request, "too_large" if isinstance(exc, RequestDataTooBig) else "bad_request")


def _unavailable(request, exc):
    """The database is unreachable: an outage, not a bug (503, retry)."""
    logger.error("API unavailable on %s: %s", request.path, exc)
    reply = response(request, "unavailable")
    reply["Retry-After"] = "30"
    return reply


def _server_error(request, exc):
    logger.exception("API error on %s", request.path, exc_info=exc)
    return response(request, "server_error")


def install(api) -> None:
    """Answer every error the API can raise with a problem."""
    api.add_exception_handler(Problem, lambda r, e: response(r, e.code, e.detail, e.errors))
    api.add_exception_handler(WorkflowError, for_workflow_error)
    api.add_exception_handler(ValidationError, _validation)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, lambda r, e: response(r, "not_found"))
    api.add_exception_handler(ObjectDoesNotExist, lambda r, e: response(r, "not_found"))
    api.add_exception_handler(PermissionDenied, lambda r, e: response(r, "forbidden", str(e)))
    api.add_exception_handler(SuspiciousOperation, _suspicious)
    api.add_exception_handler(OperationalError, _unavailable)
    api.add_exception_handler(InterfaceError, _unavailable)
    api.add_exception_handler(Exception, _server_error)
