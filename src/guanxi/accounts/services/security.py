"""Sign-in rules: refusing a sign-in from outside the allowed ranges, the roles' rules, and
the break-glass way back in for a user locked out by them."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import ApiToken, LoginEvent, RoleSecurity, User
from guanxi.accounts.networks import normalise_networks
from guanxi.accounts.selectors import security as selectors
from guanxi.core.client_address import client_address
from guanxi.core.services.records import record_bulk_update, system_reason

BREAK_GLASS = system_reason(
    "accounts.break_glass", gettext_lazy("Sign-in address ranges reset from the command line")
)
# Every address: what the break-glass command allows unless told a narrower range.
ANY_ADDRESS = "0.0.0.0/0\n::/0"


def refused_address_message() -> str:
    return _("You cannot sign in from this network address. Ask an administrator to allow it.")


def signin_check_address(*, user: User, request: HttpRequest) -> None:
    """Refuse (PermissionDenied) and record a sign-in from outside the user's ranges."""
    address = client_address(request)
    if selectors.address_allowed(user, address):
        return
    LoginEvent.objects.create(
        user=user,
        username=user.get_username(),
        kind=LoginEvent.Kind.REFUSED_ADDRESS,
        ip_address=address or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    raise PermissionDenied(refused_address_message())


@transaction.atomic(savepoint=False)
def role_security_set(*, role: Group, mfa_required: bool, allowed_networks: str) -> RoleSecurity:
    """Store a role's sign-in rules (called by ``role_save``, which checks the actor)."""
    security, _created = RoleSecurity.objects.get_or_create(group=role)
    security.mfa_required = mfa_required
    security.allowed_networks = normalise_networks(allowed_networks)
    security.full_clean()
    security.save()
    return security


def rules_stricter(before: tuple[bool, str], after: tuple[bool, str]) -> bool:
    """Whether sign-in rules ``(mfa_required, allowed_networks)`` moved so that a session
    signed in under ``before`` might not be allowed under ``after``."""
    (mfa_before, networks_before), (mfa_after, networks_after) = before, after
    return (mfa_after and not mfa_before) or networks_after != networks_before


def sessions_end_under_new_rules(*, actor: User, users: Iterable[User]) -> None:
    """Sign ``users`` out everywhere once the change commits, so their next sign-in meets the
    new rules; their API tokens end too. The administrator making the change stays signed in
    (the new rules apply to them at their next sign-in), so a mistake can still be undone."""
    from guanxi.accounts.tasks import end_user_sessions  # the tasks import the services

    ids = [user.pk for user in users if user.pk != actor.pk]
    because = ApiToken.RevokedBecause.SIGN_IN_RULES.value

    def end_them() -> None:
        for user_id in ids:
            end_user_sessions.enqueue(user_id=user_id, because=because)

    if ids:
        transaction.on_commit(end_them)


@transaction.atomic
def user_networks_break_glass(*, username: str, networks: str = ANY_ADDRESS) -> User:
    """Let ``username`` sign in from ``networks`` again (the command line's way in).

    The user's own list replaces the roles', so this works whatever the roles allow; it is
    audited as a system change with its own reason.
    """
    user = User.objects.get(username=username)
    value = normalise_networks(networks)
    record_bulk_update(
        queryset=User.objects.filter(pk=user.pk),
        values={"allowed_networks": value},
        reason=BREAK_GLASS,
    )
    user.allowed_networks = value
    return user
