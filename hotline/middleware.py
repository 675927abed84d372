class ChineseUnlessChosenMiddleware:
    """The UI is Simplified Chinese unless the user picked English on the
    language menu: a browser's Accept-Language (often English on office PCs)
    does not decide. Runs before Django's LocaleMiddleware, which then reads
    only the language cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is over HOTLINE_MAX_REQUEST_BYTES before
    anything reads it (413), in the format of the part of the site asked:
    a page in Chinese, an API problem, an Open311 error list. Chunked bodies,
    which give no length, are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE and the
    upload checks as they are read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.HOTLINE_MAX_REQUEST_BYTES:
            from hotline.errors import answer

            return answer(request, 413)
        return self.get_response(request)


# Browser features no page of Hotline uses: denied to every page and frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "screen-wake-lock",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
