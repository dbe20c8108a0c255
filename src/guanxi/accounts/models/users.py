"""Users, teams, roles' default grants, delegation and login history."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.auth.password_validation import validate_password
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guanxi.accounts.networks import validate_networks
from guanxi.core.models import BaseModel


class Team(BaseModel):
    """A node of the organisation tree (department → team); supervisors see their subtree."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ids ("/1/4/") so a subtree is one indexed prefix query.
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False, default="/")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["path", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class UserManager(DjangoUserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> "User":
        """``manage createsuperuser`` (also ``--noinput``) passes the password validators too:
        Django checks them only when asking interactively, and lets the operator skip them."""
        if password is not None:
            validate_password(password, self.model(username=username, email=email or ""))
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person who signs in; the role is the user's group, the team places them in the tree."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    allowed_networks = models.TextField(
        _("sign-in address ranges"),
        blank=True,
        validators=[validate_networks],
        help_text=_(
            "One IP address or CIDR range per line. When set, it replaces the ranges of the "
            "user's roles. Empty: the roles' ranges apply."
        ),
    )
    # Optimistic lock for the administrators' edit form and the API (users are not BaseModels).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    supports = models.ManyToManyField(
        "self",
        verbose_name=_("supports (account managers)"),
        symmetrical=False,
        blank=True,
        related_name="assistants",
        help_text=_("A sales assistant enters data on behalf of these account managers."),
    )

    history = HistoricalRecords(excluded_fields=["last_login", "password"])
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        permissions = [
            ("view_all_records", _("See every record")),
            ("view_team_records", _("See the records of the own team subtree")),
            ("manage_recycle_bin", _("Restore or purge deleted records")),
            ("manage_accounts", _("Manage users, teams and roles")),
        ]

    def __str__(self) -> str:
        return self.display_name(self.last_name, self.first_name, self.username)

    def get_full_name(self) -> str:
        return self.display_name(self.last_name, self.first_name, "")

    @staticmethod
    def display_name(last_name: str | None, first_name: str | None, username: str | None) -> str:
        """How a user is named on pages, from the columns alone (for rows read as values):
        the full name, family name first without a space as Chinese names go, else the login."""
        return f"{last_name or ''}{first_name or ''}".strip() or (username or "")


class RoleDefaultGrant(models.Model):
    """A default permission once granted to a built-in role: never re-granted once removed."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, related_name="+")

    objects: "models.Manager[RoleDefaultGrant]" = models.Manager()

    class Meta:
        verbose_name = _("role default grant")
        verbose_name_plural = _("role default grants")
        ordering = ["group", "permission"]
        constraints = [
            models.UniqueConstraint(fields=["group", "permission"], name="role_default_grant_once")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.permission}"


class LoginEvent(models.Model):
    """One sign-in, sign-out or failed attempt: the login history (append-only)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGOUT = "logout", _("Signed out")
        FAILED = "failed", _("Failed sign-in")
        FAILED_CODE = "failed_code", _("Wrong two-factor code")
        REFUSED_ADDRESS = "refused_address", _("Sign-in refused from this address")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="login_events",
    )
    username = models.CharField(_("username"), max_length=150)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    session_key = models.CharField(_("session"), max_length=40, blank=True, db_index=True)

    objects: "models.Manager[LoginEvent]" = models.Manager()

    class Meta:
        verbose_name = _("login event")
        verbose_name_plural = _("login history")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} {self.kind} {self.at:%Y-%m-%d %H:%M}"
