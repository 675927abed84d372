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
