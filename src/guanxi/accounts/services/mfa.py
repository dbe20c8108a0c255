"""Two-factor sign-in: enrolling an authenticator app (TOTP), recovery codes, checking a code.

A user has at most one authenticator app. Recovery codes are one-time codes kept as a static
device: each works once, in place of the app's code, and a new set replaces the old one.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from guanxi.accounts.models import LoginEvent, User
from guanxi.accounts.selectors import security as selectors
from guanxi.core.client_address import client_address

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def _clean_code(code: str) -> str:
    # People copy codes with spaces ("123 456") or type recovery codes in capitals.
    return "".join(str(code or "").split()).lower()


@transaction.atomic
def totp_enrol_start(*, user: User) -> TOTPDevice:
    """The unconfirmed app device the enrolment page shows (one, kept until confirmed)."""
    if selectors.has_confirmed_device(user):
        raise ValidationError(
            {"code": _("Two-factor sign-in is already set up. Remove it first to start again.")}
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def totp_enrol_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app with a code it shows; returns the device and new recovery codes."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        raise ValidationError({"code": _("Start the set-up again: scan the new QR code.")})
    if not device.verify_token(_clean_code(code)):
        raise ValidationError(
            {"code": _("This code is not right. Check the time of your phone and try again.")}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device, _new_recovery_codes(user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """A new set of recovery codes; the old ones stop working."""
    if not selectors.has_confirmed_device(user):
        raise ValidationError({"code": _("Set up two-factor sign-in first.")})
    return _new_recovery_codes(user)


@transaction.atomic
def mfa_remove(*, user: User) -> None:
    """Remove the own authenticator app and recovery codes (not when a role requires them)."""
    if selectors.mfa_required(user):
        raise PermissionDenied(_("Your role requires two-factor sign-in; it cannot be removed."))
    mfa_reset(user=user)


@transaction.atomic
def mfa_reset(*, user: User) -> None:
    """Remove a user's two-factor devices whatever the role says (the break-glass command)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def mfa_verify(*, user: User, code: str, request: HttpRequest | None = None) -> Device | None:
    """The device that accepts ``code`` (the app's code or an unused recovery code), or None.

    A wrong code is recorded in the login history; each device slows down repeated failures.
    """
    cleaned = _clean_code(code)
    device: Device | None = None
    if cleaned:
        with transaction.atomic():
            for model in (TOTPDevice, StaticDevice):
                candidates = model.objects.select_for_update().filter(user=user, confirmed=True)
                for candidate in candidates:
                    if candidate.verify_token(cleaned):
                        device = candidate
                        break
                if device is not None:
                    break
    if device is None:
        LoginEvent.objects.create(
            user=user,
            username=user.get_username(),
            kind=LoginEvent.Kind.FAILED_CODE,
            ip_address=(client_address(request) or None) if request is not None else None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
        )
    return device
