"""Two-factor sign-in pages: the code after the password, setting up an authenticator app,
new recovery codes and removing two-factor sign-in."""

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice

from guanxi.accounts.forms.users import CodeForm
from guanxi.accounts.selectors import security as selectors
from guanxi.accounts.selectors.security import SIGNIN_STATE_KEY
from guanxi.accounts.services import mfa as services
from guanxi.accounts.views.auth import safe_next
from guanxi.accounts.views.common import signed_in
from guanxi.core.views.generic import ScopedPageView


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _finish_step(request: HttpRequest, device) -> None:
    django_otp.login(request, device)
    request.session.pop(SIGNIN_STATE_KEY, None)


class VerifyView(ScopedPageView):
    """The second step of signing in: a code from the authenticator app or a recovery code."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        if form.is_valid():
            user = signed_in(request)
            device = services.mfa_verify(user=user, code=form.cleaned_data["code"], request=request)
            if device is not None:
                _finish_step(request, device)
                if isinstance(device, StaticDevice):
                    messages.warning(
                        request,
                        _("You used a recovery code; %(count)s are left.")
                        % {"count": selectors.recovery_codes_left(user)},
                    )
                return redirect(safe_next(request))
            form.add_error("code", _("This code is not right, or was used already."))
        return self._page(request, form, status=400)

    def _page(self, request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "accounts/mfa_verify.html",
            {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
            status=status,
        )


class EnrolView(ScopedPageView):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm a code,
    then see the recovery codes once."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = signed_in(request)
        if selectors.has_confirmed_device(user):
            messages.info(request, _("Two-factor sign-in is already set up."))
            return redirect("accounts:profile")
        return self._page(request, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        user = signed_in(request)
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                device, codes = services.totp_enrol_confirm(
                    user=user, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                for message in error.message_dict.get("code", error.messages):
                    form.add_error("code", message)
            else:
                _finish_step(request, device)
                return render(
                    request,
                    "accounts/mfa_recovery_codes.html",
                    {"codes": codes, "next": safe_next(request), "enrolled": True},
                )
        return self._page(request, form, status=400)

    def _page(self, request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
        user = signed_in(request)
        try:
            device = services.totp_enrol_start(user=user)
        except ValidationError:
            return redirect("accounts:profile")
        return render(
            request,
            "accounts/mfa_enrol.html",
            {
                "form": form,
                # Generated here from our own data; qrcode writes the markup.
                "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308
                "secret": b32encode(device.bin_key).decode(),
                "required": selectors.mfa_required(user),
                "next": request.POST.get("next") or request.GET.get("next", ""),
            },
            status=status,
        )


class RecoveryCodesView(ScopedPageView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            codes = services.recovery_codes_renew(user=signed_in(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:profile")
        return render(
            request,
            "accounts/mfa_recovery_codes.html",
            {"codes": codes, "next": "", "enrolled": False},
        )


class RemoveView(ScopedPageView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            services.mfa_remove(user=signed_in(request))
        except PermissionDenied as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Two-factor sign-in was removed."))
        return redirect("accounts:profile")
