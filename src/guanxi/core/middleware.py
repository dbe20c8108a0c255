from django.shortcuts import render

from guanxi.core.exceptions import ConflictError


class ConflictMiddleware:
    """A stale edit anywhere in the pages answers 409 with a clear message; nothing was saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ConflictError):
            return render(request, "core/conflict.html", {"message": exception.message}, status=409)
        return None
