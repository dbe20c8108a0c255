from django.conf import settings
from django.contrib.messages import get_messages
from django.shortcuts import render
from django.template.loader import render_to_string

from guanxi.core.exceptions import ConflictError
from guanxi.core.services import access_log


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


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy (``settings.CONTENT_SECURITY_POLICY``) with every
    response that does not set its own: scripts only from the site itself, never inline, so
    an injected ``<script>`` or ``onclick`` does not run even if escaping ever failed."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class AccessLogMiddleware:
    """Writes the sensitive-access log entry of a page or API read that showed protected
    fields unmasked (noted while it rendered, see ``core.services.access_log``).

    Pages render their templates, and the API its serializers, before the response comes back
    through here, so every note is in by now; an answer that failed (4xx/5xx) showed nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400:
            access_log.record_noted_views(request)
        return response


class HtmxMessagesMiddleware:
    """Deliver the messages of an htmx request with its fragment.

    An action answered in place (a plan item added, a request handled) says what happened like
    any other: the view adds a message as usual, and the fragment carries it out of band into
    the page's message area. Redirects and non-HTML answers keep their messages for the next
    full page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or response.streaming:
            return response
        if response.status_code >= 300 or "HX-Redirect" in response or "HX-Location" in response:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        pending = list(get_messages(request))
        if not pending:
            return response
        area = render_to_string(
            "core/partials/_messages_oob.html", {"messages": pending}, request=request
        )
        response.content = response.content + area.encode(response.charset)
        return response
