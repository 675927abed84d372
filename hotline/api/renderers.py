"""JSON with Chinese left readable (no \\u escapes)."""

import json

from django.http import HttpResponse
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


def json_response(data, *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )
