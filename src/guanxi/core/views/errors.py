"""Error pages Django renders outside the URL handlers: a refused CSRF check."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from guanxi.core.api.errors import error_body


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (``CSRF_FAILURE_VIEW``): the house 403 page in
    the user's language, saying what to do, instead of Django's English technical page."""
    message = _("The form expired or did not come from this site. Reload the page and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("csrf_failed", message), status=403)
    return render(request, "403.html", {"exception": message}, status=403)
