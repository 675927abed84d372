"""JSON with Chinese left readable (no \\u escapes), and times in Fuzhou's
offset (+08:00), as Open311 writes them, whatever the database returned."""

import json
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class LocalTimeEncoder(NinjaJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class Renderer(JSONRenderer):
    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


def json_response(data, *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, cls=LocalTimeEncoder, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )
