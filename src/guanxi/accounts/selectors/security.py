"""Reads about sign-in rules: two-factor sign-in and the address ranges a user may sign in from."""

from django.conf import settings
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from guanxi.accounts.models import RoleSecurity, User
from guanxi.accounts.networks import Network, address_in, parse_networks

# What a signed-in session still has to do before it reaches any page (kept in the session,
# decided once at sign-in so no page pays a query for it).
SIGNIN_STATE_KEY = "guanxi_signin_state"
STATE_VERIFY = "verify"  # give the code of the authenticator app
STATE_ENROL = "enrol"  # the role requires two-factor sign-in: set it up first
STATE_REFUSED = "refused"  # signed in from outside the allowed ranges (e.g. Django's admin)


def default_mfa_roles() -> set[str]:
    return set(getattr(settings, "GUANXI_MFA_REQUIRED_ROLES", ()))


def role_mfa_required(role: Group | None) -> bool:
    """Whether ``role`` requires two-factor sign-in (its own choice, else the default)."""
    if role is None or role.pk is None:
        return False
    explicit = RoleSecurity.objects.filter(group=role).values_list("mfa_required", flat=True)
    chosen = explicit.first()
    return chosen if chosen is not None else role.name in default_mfa_roles()


def role_networks_text(role: Group | None) -> str:
    if role is None or role.pk is None:
        return ""
    text = RoleSecurity.objects.filter(group=role).values_list("allowed_networks", flat=True)
    return text.first() or ""


def mfa_required(user: User) -> bool:
    """Whether one of the user's roles requires two-factor sign-in."""
    defaults = default_mfa_roles()
    rows = Group.objects.filter(user=user).values_list("name", "security__mfa_required")
    return any(name in defaults if chosen is None else chosen for name, chosen in rows)


def has_confirmed_device(user: User) -> bool:
    """Whether the user signs in with an authenticator app (an enrolment was confirmed)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def allowed_networks(user: User) -> list[Network] | None:
    """The ranges ``user`` may sign in from; None: any address.

    The user's own list, when set, replaces the roles'. Otherwise the roles' lists add up, and
    a role without a list lets its members sign in from anywhere (a role adds rights, never
    takes them away).
    """
    if user.allowed_networks.strip():
        return parse_networks(user.allowed_networks)
    roles = Group.objects.filter(user=user)
    rows = list(roles.values_list("security__allowed_networks", flat=True))
    if not rows or any(not (text or "").strip() for text in rows):
        return None
    networks: list[Network] = []
    for text in rows:
        networks.extend(parse_networks(text or ""))
    return networks


def address_allowed(user: User, address: str) -> bool:
    networks = allowed_networks(user)
    return networks is None or address_in(address, networks)


def signin_state(user: User, address: str) -> str:
    """What a session of ``user`` signed in from ``address`` must do first ("" when nothing)."""
    if not address_allowed(user, address):
        return STATE_REFUSED
    if has_confirmed_device(user):
        return STATE_VERIFY
    if mfa_required(user):
        return STATE_ENROL
    return ""
