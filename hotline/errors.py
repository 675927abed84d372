"""Error answers, each in the format of the place that went wrong.

The API (/api/v1/) answers RFC 9457 problems (hotline.api.problems), Open311
(/open311/) its specification's error list in JSON or XML, every other page
an error page in Chinese in the site's style. Never HTML to a machine client,
never a code to a person.

The pages render without the request's context (no context processors, no
session, no database), so they still render when the database is down: a
database outage answers 503, not 500."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"
PORTAL_PREFIX = "/portal/"
# How long a client should wait after a 503 before trying again.
RETRY_AFTER_SECONDS = 30

OPEN311_MESSAGES = {
    400: "The request could not be read.",
    403: "You may not do this.",
    404: "There is no such Open311 resource.",
    405: "Method not allowed.",
    413: "The request is too large.",
    500: "Something went wrong on our side.",
    503: "The service is unavailable; try again shortly.",
}
API_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    500: "server_error",
    503: "unavailable",
}


def _page_text(status: int) -> tuple[str, str]:
    """The title and explanation of an error page (translated at call time)."""
    texts = {
        400: (_("The request could not be read"), _("Check what you entered and try again.")),
        403: (
            _("You may not open this page"),
            _("Your account or the role you act in does not allow it."),
        ),
        404: (
            _("Page not found"),
            _("The page does not exist, or it is not visible to you."),
        ),
        413: (
            _("The upload is too large"),
            _("The request is larger than %(mb)s MB. Send smaller files, or fewer at once."),
        ),
        500: (
            _("Something went wrong on our side"),
            _("The error has been recorded. Please try again later."),
        ),
        503: (
            _("The service is temporarily unavailable"),
            _("The system cannot reach its database just now. Please try again in a minute."),
        ),
    }
    return texts.get(status, texts[400])


def _open311_format(path: str) -> str:
    return "xml" if path.rstrip("/").endswith(".xml") else "json"


def answer(request, status: int, detail: str = "") -> HttpResponse:
    """An error response for `request`'s part of the site."""
    path = request.path if request is not None else "/"
    if path.startswith(API_PREFIX):
        from hotline.api import problems

        response = problems.response(request, API_CODES.get(status, "bad_request"), detail)
    elif path.startswith(OPEN311_PREFIX):
        from hotline.open311.formats import errors

        response = errors(
            _open311_format(path), status, detail or OPEN311_MESSAGES.get(status, "Error.")
        )
    else:
        from django.conf import settings

        title, message = _page_text(status)
        if status == 413:
            message = message % {"mb": settings.HOTLINE_MAX_REQUEST_BYTES // 2**20}
        template = loader.get_template(
            f"{status}.html" if status in (403, 404, 500) else "error.html"
        )
        body = template.render(
            {
                "status": status,
                "title": title,
                "message": message,
                "detail": detail,
                "portal": path.startswith(PORTAL_PREFIX),
            }
        )
        response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _said(exception) -> str:
    """What a PermissionDenied or Http404 says, when it says something a
    person can read (our own messages are translated sentences)."""
    if exception is None or not exception.args:
        return ""
    text = str(exception.args[0])
    return text if text and not text.startswith(("No ", "<")) else ""


def bad_request(request, exception=None):
    return answer(request, 400)


def permission_denied(request, exception=None):
    return answer(request, 403, _said(exception))


def page_not_found(request, exception=None):
    return answer(request, 404)


def server_error(request):
    """Django calls this while handling the exception, so it is still the
    current one: a lost database connection is an outage (503)."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return answer(request, 503)
    return answer(request, 500)


def csrf_failure(request, reason=""):
    """A form sent from a page kept open too long (or a forged one)."""
    return answer(
        request, 403, _("The form has expired. Go back, reload the page and send it again.")
    )
