"""Form pages that also work as htmx partials.

With htmx a form posts in place: errors (including a 409 conflict) swap just the form, success
sends the browser to the next page with ``HX-Redirect``. Without JavaScript the same views answer
ordinary full pages and redirects.
"""

from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def is_partial(request) -> bool:
    """An htmx request that wants a fragment (not a history restore, which needs the page)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def render_form_page(request, *, page_template, form_template, context, status=200):
    template = form_template if is_partial(request) else page_template
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def redirect_after_form(request, url):
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
