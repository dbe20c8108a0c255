from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from guanxi.accounts.selectors.security import (
    SIGNIN_STATE_KEY,
    STATE_REFUSED,
    STATE_VERIFY,
)
from guanxi.accounts.services.security import refused_address_message


class UserLanguageMiddleware:
    """Speak each signed-in user's own language, whatever the browser asks for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class TwoFactorMiddleware:
    """Hold a signed-in session at the two-factor step its sign-in left it at.

    Until the code is given (or two-factor sign-in is set up, where the role requires it),
    only that step's page, signing out, the language switch and static files are reachable.
    A session signed in from outside its allowed address ranges is signed out again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        state = session.get(SIGNIN_STATE_KEY) if session is not None else None
        if not state or not request.user.is_authenticated:
            return self.get_response(request)
        if state == STATE_REFUSED:
            logout(request)
            messages.error(request, refused_address_message())
            return redirect(settings.LOGIN_URL)
        step = "accounts:mfa_verify" if state == STATE_VERIFY else "accounts:mfa_enrol"
        allowed = {reverse(step), reverse("accounts:logout"), reverse("accounts:set_language")}
        path = request.path_info
        static = "/" + str(settings.STATIC_URL).lstrip("/")
        if path in allowed or path.startswith(static):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": _("Finish signing in first.")}, status=403)
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
