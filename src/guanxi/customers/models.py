"""Customers 客户 and their contacts 联系人 (the foundation's part of SPEC §2)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import BaseModel, DictionaryEntry, DictionaryKind


def _dictionary(kind: str, verbose_name, related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        DictionaryEntry,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
        limit_choices_to={"kind": kind, "is_active": True, "deleted_at__isnull": True},
    )


class Customer(BaseModel):
    """A company or person the business sells to; owned by an account manager, or in the pool."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CHURN_WARNING = "churn_warning", _("Churn warning")
        POSTPONED = "postponed", _("Churn postponed")
        CHURNED = "churned", _("Churned")

    class CreditStatus(models.TextChoices):
        NORMAL = "normal", _("Normal")
        ON_HOLD = "on_hold", _("Credit on hold")

    code = models.CharField(_("customer code"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    level = _dictionary(DictionaryKind.CUSTOMER_LEVEL, _("customer level"), "+")
    region = _dictionary(DictionaryKind.REGION, _("region"), "+")
    industry = _dictionary(DictionaryKind.INDUSTRY, _("industry"), "+")
    source = _dictionary(DictionaryKind.SOURCE, _("source"), "+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_customers",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    credit = models.PositiveSmallIntegerField(
        _("credit rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    credit_status = models.CharField(
        _("credit status"),
        max_length=10,
        choices=CreditStatus.choices,
        default=CreditStatus.NORMAL,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )

    scope_fields = ("owner",)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="customer_owner_recent"),
            models.Index(fields=["-created_at", "-id"], name="customer_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])

    @property
    def on_credit_hold(self) -> bool:
        return self.credit_status == self.CreditStatus.ON_HOLD


class Contact(BaseModel):
    """A person at a customer; one contact per customer is the primary one."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")
        UNKNOWN = "", _("Not stated")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, blank=True, default=""
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    office_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True, deleted_at__isnull=True),
                name="contact_one_primary_per_customer",
            )
        ]

    def __str__(self) -> str:
        return self.name
