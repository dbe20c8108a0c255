"""``GET /pick/<kind>/?q=``: the options of an autocomplete picker, as JSON.

Signed-in users only; the kind's right (if any) is checked, then its provider searches within
the acting user's scope (``core.pickers``). An unknown kind is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from guanxi.core.pickers import DEFAULT_LIMIT, picker_kind, picker_search


@login_required
@require_GET
def pick(request: HttpRequest, kind: str) -> JsonResponse:
    try:
        picker = picker_kind(kind)
    except KeyError:
        raise Http404(kind) from None
    if picker.permission and not request.user.has_perm(picker.permission):
        raise PermissionDenied
    options, more = picker_search(
        kind=picker,
        actor=request.user,
        term=request.GET.get("q", ""),
        limit=DEFAULT_LIMIT,
        request=request,
        params=request.GET,
    )
    response = JsonResponse({"results": [option.as_json() for option in options], "more": more})
    # Answers depend on the reader's scope and masking: never from a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
