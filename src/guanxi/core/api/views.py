"""Behaviour every Guanxi API view shares."""

from django.utils import translation
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


class UserLanguageMixin:
    """Answer in the authenticated user's language, also for token clients.

    Session users already get it from the middleware; a token is only known once DRF has
    authenticated the request, so the language is switched here. Anonymous callers get
    the Accept-Language choice of Django's LocaleMiddleware.
    """

    def perform_authentication(self, request):
        super().perform_authentication(request)
        user = request.user
        language = getattr(user, "language", "") if user.is_authenticated else ""
        if language:
            translation.activate(language)
            request._request.LANGUAGE_CODE = translation.get_language()


class UnknownEndpointView(APIView):
    """Any other path under /api/: a 404 in the API's error format, not an HTML page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    schema = None  # not an endpoint, so not in the OpenAPI document

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()
