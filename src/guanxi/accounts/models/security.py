"""Sign-in rules of a role: whether it must use two-factor sign-in, and where it may sign in."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.networks import validate_networks


class RoleSecurity(models.Model):
    """A role's (Django group's) sign-in rules; a role without a row keeps the defaults."""

    group = models.OneToOneField(
        Group, verbose_name=_("role"), on_delete=models.CASCADE, related_name="security"
    )
    # None: the default of GUANXI_MFA_REQUIRED_ROLES, until an administrator decides.
    mfa_required = models.BooleanField(_("two-factor sign-in required"), null=True, blank=True)
    allowed_networks = models.TextField(
        _("sign-in address ranges"),
        blank=True,
        validators=[validate_networks],
        help_text=_("One IP address or CIDR range per line (e.g. 10.0.0.0/8). Empty: any address."),
    )

    objects: "models.Manager[RoleSecurity]" = models.Manager()

    class Meta:
        verbose_name = _("role sign-in rules")
        verbose_name_plural = _("role sign-in rules")

    def __str__(self) -> str:
        return str(self.group)
