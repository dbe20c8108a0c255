"""Writes about users, teams and roles (administrators only, except own password and language)."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import Team, User
from guanxi.accounts.networks import normalise_networks
from guanxi.accounts.roles import ACCOUNT_MANAGER, ROLE_LABELS, SALES_ASSISTANT
from guanxi.accounts.rules import manages_roles, manages_teams, manages_users
from guanxi.accounts.selectors.security import role_mfa_required, role_networks_text
from guanxi.accounts.services.security import (
    role_security_set,
    rules_stricter,
    sessions_end_under_new_rules,
)
from guanxi.accounts.services.sessions import user_end_sessions
from guanxi.accounts.tasks import end_user_sessions
from guanxi.core.exceptions import ConflictError
from guanxi.core.phones import phone_fields_normalise
from guanxi.core.rules import Predicate, require
from guanxi.core.services.records import (
    record_attribute,
    record_bulk_update,
    record_create,
    record_update,
    system_reason,
)

LANGUAGE_CHOSEN = system_reason("accounts.language_chosen", gettext_lazy("Language chosen"))
TEAM_PATH = system_reason("accounts.team_path", gettext_lazy("Place in the team tree updated"))


def _require_account_admin(actor: User, rule: Predicate = manages_users) -> None:
    require(actor, rule(actor), _("Only administrators manage users, teams and roles."))


def _ensure_actor_keeps_account_rights(actor: User, *, field: str) -> None:
    """Refuse a change that would lock the acting administrator out of account management."""
    fresh = User.objects.get(pk=actor.pk)
    if not manages_users(fresh):
        raise ValidationError(
            {field: _("You cannot take away your own right to manage users, teams and roles.")}
        )


def _check_supports(user: User) -> None:
    """Only sales assistants enter data for others; anyone else would silently widen their scope."""
    if not user.supports.exists():
        return
    if not user.groups.filter(name=SALES_ASSISTANT).exists():
        raise ValidationError(
            {"supports": _("Only sales assistants can support account managers.")}
        )
    if user.supports.exclude(groups__name=ACCOUNT_MANAGER).exists():
        raise ValidationError(
            {"supports": _("A sales assistant can only support account managers.")}
        )


def _validate_password(password: str, user: User) -> None:
    """Every password set anywhere passes the same validators (length, common, numeric,
    similar to the user's own data)."""
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from error


def _networks(value: str, field: str = "allowed_networks") -> str:
    """The stored form of a list of sign-in ranges; a bad line is the field's error."""
    try:
        return normalise_networks(value)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from error


def _bump_user_version(user: User, expected_version: int | None) -> None:
    """Take the next version; refuse if an editor's ``expected_version`` is no longer current."""
    users = User.objects.filter(pk=user.pk)
    if expected_version is not None:
        users = users.filter(version=int(expected_version))
    if not users.update(version=F("version") + 1):
        current = User.objects.filter(pk=user.pk).values_list("version", flat=True).first()
        raise ConflictError(current_version=current)
    user.version = User.objects.filter(pk=user.pk).values_list("version", flat=True).get()


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    team: Team | None = None,
    roles: list[Group] | None = None,
    language: str = User.Language.ZH_HANS,
    supports: list[User] | None = None,
    phone: str = "",
    allowed_networks: str = "",
) -> User:
    _require_account_admin(actor)
    checked = {"phone": phone}
    phone_fields_normalise(checked, {"phone": User._meta.get_field("phone").verbose_name})
    phone = checked["phone"]
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        team=team,
        language=language,
        phone=phone,
        allowed_networks=_networks(allowed_networks),
    )
    _validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    record_attribute(instance=user, actor=actor)
    user.save()
    user.groups.set(roles or [])
    user.supports.set(supports or [])
    _check_supports(user)
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    roles: list[Group] | None = None,
    supports: list[User] | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> User:
    """Change a user; with ``expected_version`` a concurrent edit is refused (ConflictError)."""
    _require_account_admin(actor)
    _bump_user_version(user, expected_version)
    was_active = user.is_active
    networks_before = user.allowed_networks
    roles_before = set(user.groups.values_list("pk", flat=True)) if roles is not None else set()
    fields = dict(fields)
    if "allowed_networks" in fields:
        fields["allowed_networks"] = _networks(fields["allowed_networks"] or "")
    phone_fields_normalise(
        fields, {"phone": User._meta.get_field("phone").verbose_name}, current=user
    )
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean()
    record_attribute(instance=user, actor=actor)
    user.save()
    if roles is not None:
        user.groups.set(roles)
    if supports is not None:
        user.supports.set(supports)
    _check_supports(user)
    if user == actor:
        _ensure_actor_keeps_account_rights(actor, field="roles")
    if was_active and not user.is_active:
        transaction.on_commit(lambda: user_end_sessions(user=user))
    elif user.allowed_networks != networks_before or (
        roles is not None and {role.pk for role in roles} - roles_before
    ):
        # New ranges, or a new role that may bring two-factor sign-in or ranges of its own.
        sessions_end_under_new_rules(actor=actor, users=[user])
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Deactivate a user: they can no longer sign in, and their sessions and tokens end now."""
    if user == actor:
        raise ValidationError({"is_active": _("You cannot deactivate yourself.")})
    user = user_update(actor=actor, user=user, is_active=False)
    # Also as a job, so every session store (e.g. a Redis cache) is swept by a worker too.
    transaction.on_commit(lambda: end_user_sessions.enqueue(user_id=user.pk))
    return user


def user_set_language(*, user: User, language: str) -> User:
    if language not in User.Language.values:
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    # The user's own choice, set without a version bump (an administrator's open form of the
    # user stays valid), audited as the user's.
    record_bulk_update(
        queryset=User.objects.filter(pk=user.pk),
        values={"language": language},
        reason=LANGUAGE_CHOSEN,
        actor=user,
    )
    user.language = language
    return user


@transaction.atomic
def team_create(*, actor: User, name: str, parent: Team | None = None) -> Team:
    _require_account_admin(actor, manages_teams)
    team = record_create(instance=Team(name=name, parent=parent), actor=actor)
    team.path = f"{parent.path if parent else '/'}{team.pk}/"
    record_bulk_update(
        queryset=Team.objects.filter(pk=team.pk),
        values={"path": team.path},
        reason=TEAM_PATH,
        actor=actor,
    )
    return team


@transaction.atomic
def team_update(
    *,
    actor: User,
    team: Team,
    name: str,
    parent: Team | None,
    expected_version: int | None = None,
) -> Team:
    """Rename or move a team; moving rewrites the path of its whole subtree."""
    _require_account_admin(actor, manages_teams)
    if parent is not None and parent.path.startswith(team.path):
        raise ValidationError(
            {"parent": _("A team cannot be placed under itself or its own sub-team.")}
        )
    old_path = team.path
    team.name = name
    team.parent = parent
    team.path = f"{parent.path if parent else '/'}{team.pk}/"
    record_update(instance=team, actor=actor, expected_version=expected_version)
    if team.path != old_path:
        for child in Team.objects.filter(path__startswith=old_path).exclude(pk=team.pk):
            record_bulk_update(
                queryset=Team.objects.filter(pk=child.pk),
                values={"path": team.path + child.path[len(old_path) :]},
                reason=TEAM_PATH,
                actor=actor,
            )
    return team


@transaction.atomic
def role_save(
    *,
    actor: User,
    role: Group | None,
    name: str,
    permissions: Iterable[Permission | int],
    mfa_required: bool | None = None,
    allowed_networks: str | None = None,
) -> Group:
    """Save a role; sign-in rules left None keep what the role has."""
    _require_account_admin(actor, manages_roles)
    role = role or Group()
    if role.pk and role.name in ROLE_LABELS and name != role.name:
        raise ValidationError({"name": _("A built-in role keeps its name.")})
    role.name = name
    role.full_clean()
    role.save()
    role.permissions.set(permissions)
    if mfa_required is not None or allowed_networks is not None:
        before = (role_mfa_required(role), role_networks_text(role))
        security = role_security_set(
            role=role,
            mfa_required=role_mfa_required(role) if mfa_required is None else mfa_required,
            allowed_networks=_networks(
                role_networks_text(role) if allowed_networks is None else allowed_networks
            ),
        )
        if rules_stricter(before, (bool(security.mfa_required), security.allowed_networks)):
            sessions_end_under_new_rules(actor=actor, users=role.user_set.all())
    _ensure_actor_keeps_account_rights(actor, field="permissions")
    return role


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    """Let a deactivated user sign in again (their old sessions and tokens stay ended)."""
    return user_update(actor=actor, user=user, is_active=True)


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    """An administrator gives ``user`` a new password; it must pass the password validators."""
    _require_account_admin(actor)
    _validate_password(password, user)
    user.set_password(password)
    # Changing the password hash signs the user out of their other browser sessions; the
    # receivers revoke their API tokens.
    record_attribute(instance=user, actor=actor)
    user.save(update_fields=["password"])
    return user
