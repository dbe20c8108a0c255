"""Field protection: which sensitive customer/contact fields a role sees masked or not at all."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.roles import role_label
from guanxi.core.models import BaseModel


class FieldRule(BaseModel):
    """For users of ``role``, ``field`` shows masked (``138****8000``) or is hidden entirely.

    A user with several roles gets the strictest rule among them (hidden beats masked). The
    rule applies wherever the value leaves the server: pages, exports, search results, the API.
    """

    class Field(models.TextChoices):
        CUSTOMER_PHONE = "customer.phone", _("Customer phone")
        CUSTOMER_FAX = "customer.fax", _("Customer fax")
        CUSTOMER_EMAIL = "customer.email", _("Customer e-mail")
        CUSTOMER_ADDRESS = "customer.address", _("Customer address")
        CUSTOMER_TAX_ID = "customer.tax_id", _("Customer tax id")
        CUSTOMER_BANK_ACCOUNT = "customer.bank_account", _("Customer bank account")
        CUSTOMER_LICENCE = "customer.business_licence_no", _("Customer business licence no.")
        CONTACT_MOBILE = "contact.mobile", _("Contact mobile")
        CONTACT_OFFICE_PHONE = "contact.office_phone", _("Contact office phone")
        CONTACT_EMAIL = "contact.email", _("Contact e-mail")

    class Mode(models.TextChoices):
        MASKED = "masked", _("Masked")
        HIDDEN = "hidden", _("Hidden")

    field = models.CharField(_("field"), max_length=40, choices=Field.choices)
    role = models.ForeignKey(Group, verbose_name=_("role"), on_delete=models.CASCADE)
    mode = models.CharField(_("protection"), max_length=10, choices=Mode.choices)

    class Meta:
        verbose_name = _("field protection rule")
        verbose_name_plural = _("field protection rules")
        ordering = ["field", "role__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["field", "role"],
                condition=models.Q(deleted_at__isnull=True),
                name="field_rule_one_per_field_role",
            )
        ]

    def __str__(self) -> str:
        role = role_label(self.role.name)
        return f"{self.get_field_display()} · {role} · {self.get_mode_display()}"
