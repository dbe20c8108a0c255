"""Signing in and out, the own password and language, and the own profile page.

Signing in and out and changing the own password are Django's own views, configured here.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from guanxi.accounts.forms.users import LoginForm
from guanxi.accounts.models import User
from guanxi.accounts.selectors import security as security_selectors
from guanxi.accounts.selectors import tokens as token_selectors
from guanxi.accounts.selectors import users as selectors
from guanxi.accounts.selectors.security import SIGNIN_STATE_KEY, STATE_VERIFY
from guanxi.accounts.services import users as services
from guanxi.accounts.views.common import paginate, signed_in
from guanxi.core.views.generic import ScopedPageView


class LoginView(auth_views.LoginView):
    """Django's sign-in; django-axes pauses a (username, IP) pair after repeated failures."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        # The sign-in receiver decided whether a two-factor step comes first; go there
        # directly, keeping where the user was headed.
        state = self.request.session.get(SIGNIN_STATE_KEY)
        if state:
            step = "accounts:mfa_verify" if state == STATE_VERIFY else "accounts:mfa_enrol"
            query = urlencode({"next": self.get_success_url()})
            return redirect(f"{reverse(step)}?{query}")
        return response


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires; a GET answers 405)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the own password; the current session stays signed in, other sessions end."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, gettext_lazy("Your password was changed."))
        return response


def safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


# A POST anyone may send (the sign-in page offers it too), not a page about a record.
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: stored on the user when signed in, in a cookie always."""
    language = request.POST.get("language", "")
    response = redirect(safe_next(request))
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose one of the offered languages."))
        return response
    if request.user.is_authenticated:
        try:
            services.user_set_language(user=signed_in(request), language=language)
        except ValidationError:
            messages.error(request, _("Choose one of the offered languages."))
            return response
    # The cookie keeps the choice for the sign-in page too, also after signing out.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    translation.activate(language)
    return response


class ProfileView(ScopedPageView):
    """The own details, roles, team and language, and the own login history."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = signed_in(request)
        history = selectors.login_history(user=user, limit=500)
        return render(
            request,
            "accounts/profile.html",
            {
                "profile_user": user,
                "roles": selectors.user_roles(user),
                "languages": User.Language.choices,
                "history_page": paginate(request, history),
                "tokens": token_selectors.token_list(actor=user, user_id=user.pk)[:50],
                "mfa_enabled": security_selectors.has_confirmed_device(user),
                "mfa_required": security_selectors.mfa_required(user),
                "recovery_codes_left": security_selectors.recovery_codes_left(user),
            },
        )
