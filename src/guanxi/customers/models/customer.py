"""Customers 客户 and their contacts 联系人."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import BaseModel, DictionaryEntry, DictionaryKind, Division
from guanxi.core.models.divisions import divisions_label
from guanxi.core.models.imports import external_ref_constraint, external_ref_field

# Field-level formats; each message names what is wrong, the form shows it under the field.
# Phones (core.phones) and identifiers (customers.identifiers) are checked by the services
# when written, not here: values from before those checks are kept and flagged, and must not
# stop unrelated writes of the record (a claim from the pool, a merge).
postcode_validator = RegexValidator(
    r"^[0-9]{6}$", _("Enter a postcode of 6 digits."), code="invalid_postcode"
)


def _money(verbose_name) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


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


def _division(level: str, verbose_name) -> "models.ForeignKey[Division | None, Division | None]":
    # No index of the field's own: divisions are reference data never deleted, and the levels
    # lists filter by are indexed in Meta (a plain index, not PostgreSQL's second LIKE one).
    return models.ForeignKey(
        Division,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        limit_choices_to={"level": level},
    )


# The key fields of 客户信息完整度; the detail page and selectors.completeness_by_owner share it.
# Foreign keys are named by attname so "filled" means "not NULL" in Python and SQL alike.
COMPLETENESS_FIELDS = (
    "phone",
    "email",
    "address",
    "postcode",
    "website",
    "level_id",
    "region_id",
    "industry_id",
    "source_id",
    "legal_representative",
    "registered_capital",
    "annual_revenue",
    "bank",
    "bank_account",
    "tax_id",
    "business_licence_no",
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

    code = models.CharField(_("customer code"), max_length=20, editable=False)
    name = models.CharField(_("name"), max_length=200)
    external_ref = external_ref_field()
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
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    fax = models.CharField(_("fax"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # 省 / 市 / 区县: a city within the province, a district within the city
    # (core.services.divisions checks it); the province decides the region (services).
    province = _division(Division.Level.PROVINCE, _("province"))
    city = _division(Division.Level.CITY, _("city"))
    district = _division(Division.Level.DISTRICT, _("district"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=6, blank=True, validators=[postcode_validator]
    )
    website = models.URLField(_("website"), blank=True)
    business_licence_no = models.CharField(_("business licence no."), max_length=18, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    registered_capital = _money(_("registered capital"))
    annual_revenue = _money(_("annual revenue"))
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=20, blank=True)
    # Tags are kept as one normalised text ",vip,华东," rather than a Tag table + M2M: the
    # audit history records them like any other field (simple-history ignores M2M changes),
    # the seeder and bulk "add tag" write them with plain column updates, and "has tag t" is
    # `tags LIKE '%,t,%'`, which the trigram index serves on PostgreSQL and is cheap on SQLite
    # at embedded sizes. services.tags_normalise() is the only writer of the format.
    tags = models.CharField(_("tags"), max_length=500, blank=True, default="")
    notes = models.TextField(_("notes"), blank=True, default="")
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
    # Why, by whom and since when the credit is on hold; written only by
    # services.credit.customer_credit_hold_set (empty while the credit is normal).
    credit_hold_reason = models.TextField(_("credit hold reason"), blank=True, editable=False)
    credit_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("credit put on hold by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    credit_hold_at = models.DateTimeField(
        _("credit on hold since"), null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    # Denormalised search keys (search.keys.customer_search_columns): normalised name, its
    # pinyin and initials, code and contact names; the phone's and the e-mail's keys apart, so
    # a reader they are protected from cannot search by them. Written by the services and the
    # seeder.
    search_text = models.TextField(editable=False, blank=True, default="")
    search_phone = models.TextField(editable=False, blank=True, default="")
    search_email = models.TextField(editable=False, blank=True, default="")
    # Duplicate-check keys (dedup.name_key, digits of the phone), indexed for exact matches.
    name_key = models.CharField(max_length=200, editable=False, blank=True, default="")
    phone_digits = models.CharField(max_length=30, editable=False, blank=True, default="")
    # The name's pinyin sort key (core.pinyin): lists sort names 杨 < 张 < 赵 by it, the same
    # on both databases. Written with the other keys (services.customers.derive_keys).
    name_sort = models.CharField(max_length=255, editable=False, blank=True, default="")

    # Dates the pool recall and churn jobs compare against; kept on the row (written by the
    # services that log follow-ups, orders and won deals) so a daily job over a million
    # customers is one indexed scan, not a join per customer.
    owned_since = models.DateTimeField(_("owned since"), null=True, blank=True, editable=False)
    last_follow_up_at = models.DateTimeField(
        _("last follow-up"), null=True, blank=True, editable=False
    )
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True, editable=False)
    last_won_at = models.DateTimeField(
        _("last deal or order won"), null=True, blank=True, editable=False
    )
    recall_notice_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set once by services.privacy.customer_anonymise: the personal fields were replaced for
    # good (PIPL/GDPR erasure); it cannot be anonymised again, nor undone.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    scope_fields = ("owner",)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        # Taking the customer list (or contacts as vCards) out of Guanxi is a right of its own.
        # So is handing a person everything held about them, or erasing it (PIPL/GDPR).
        permissions = [
            ("export_customer", _("Can export customers and contacts")),
            ("export_personal_data", _("Can export a person's personal data")),
            ("anonymise_personal_data", _("Can anonymise a person's personal data")),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="customer_owner_recent"),
            models.Index(fields=["-created_at", "-id"], name="customer_recent"),
            # The few customers in the recycle bin, so figures can leave them out without
            # joining every customer (analytics.selectors.live_customer_q); live rows are not
            # in it, so inserts do not pay for it.
            models.Index(
                fields=["id"], condition=models.Q(deleted_at__isnull=False), name="customer_deleted"
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(owner__isnull=True, deleted_at__isnull=True),
                name="customer_pool_recent",
            ),
            # The KPI dashboard's data update rate counts the customers changed in a period
            # (about a third of them in a year): read from this index alone, not every customer.
            models.Index(
                fields=["updated_at"],
                include=["created_at", "owner"],
                condition=models.Q(deleted_at__isnull=True),
                name="customer_live_updated",
            ),
            # Whether a user owns any live customer (the sales reps): an index probe, where the
            # index above would be read whole for someone who owns none. With the id in the
            # key, a manager's customer ids (their reports' stored scores) come from the index
            # alone, not from 18,000 scattered rows of this wide table, and "is this customer
            # the manager's" is one index probe.
            models.Index(
                fields=["owner", "id"],
                condition=models.Q(deleted_at__isnull=True),
                name="customer_live_owner_ids",
            ),
            # Declared here rather than with db_index/unique on the fields: PostgreSQL would
            # get a second, LIKE-prefix index per text column, which no query uses and every
            # insert pays for. Phone is found through phone_digits and the search keys.
            models.Index(fields=["name"], name="customer_name"),
            models.Index(fields=["name_key"], name="customer_name_key"),
            # The list sorted by name walks this index page by page (keyset), either way.
            models.Index(fields=["name_sort", "id"], name="customer_name_sort"),
            models.Index(fields=["phone_digits"], name="customer_phone_digits"),
            # The list filtered by province or city, newest first (keyset pages).
            models.Index(fields=["province", "-created_at", "-id"], name="customer_province"),
            models.Index(fields=["city", "-created_at", "-id"], name="customer_city"),
            models.Index(fields=["tax_id"], name="customer_tax_id"),
            # Duplicate checks by e-mail compare UPPER(email) (email__iexact on PostgreSQL).
            models.Index(Upper("email"), name="customer_email_upper"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="customer_code_unique"),
            external_ref_constraint("customer_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @property
    def completeness(self) -> int:
        """客户信息完整度: the percentage of COMPLETENESS_FIELDS that are filled."""
        filled = sum(1 for name in COMPLETENESS_FIELDS if getattr(self, name) not in (None, ""))
        return round(100 * filled / len(COMPLETENESS_FIELDS))

    @property
    def divisions(self) -> str:
        return divisions_label(self)

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
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    # The name's pinyin sort key (core.pinyin), written by the services with the name.
    name_sort = models.CharField(max_length=255, editable=False, blank=True, default="")
    external_ref = external_ref_field()
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, blank=True, default=""
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    office_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    province = _division(Division.Level.PROVINCE, _("province"))
    city = _division(Division.Level.CITY, _("city"))
    district = _division(Division.Level.DISTRICT, _("district"))
    notes = models.TextField(_("notes"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    # Set once by services.privacy.contact_anonymise (see Customer.anonymised_at).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name_sort", "id"]
        indexes = [
            models.Index(fields=["customer", "name_sort", "id"], name="contact_name_sort"),
            # The contacts list, every customer's contacts in pinyin order.
            models.Index(fields=["name_sort", "id"], name="contact_list_name_sort"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True, deleted_at__isnull=True),
                name="contact_one_primary_per_customer",
            ),
            external_ref_constraint("contact_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def divisions(self) -> str:
        return divisions_label(self)


class FlaggedValue(models.Model):
    """A customer's or contact's value stored before the phone and identifier checks that
    fails them: kept as typed, listed on the data-completeness page until someone corrects
    it (the services delete the flag when the field is written again)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="flagged_values", db_index=False
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="flagged_values"
    )
    field = models.CharField(_("field"), max_length=40)
    value = models.CharField(_("value"), max_length=300)
    flagged_at = models.DateTimeField(_("flagged at"), auto_now_add=True)

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("value to correct")
        verbose_name_plural = _("values to correct")
        ordering = ["customer_id", "contact_id", "field"]
        indexes = [models.Index(fields=["customer", "field"], name="flagged_value_customer")]

    def __str__(self) -> str:
        return f"{self.field}: {self.value}"

    @property
    def field_label(self) -> str:
        model = Contact if self.contact_id else Customer
        return str(getattr(model._meta.get_field(self.field), "verbose_name", self.field))
