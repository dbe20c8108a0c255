"""Importers of contacts and interactions 交往记录 (registered in ``CustomersConfig.ready``).

Rows name their customer the way another system knows it: by customer code, external id or
exact name — so a contacts file can refer to customers imported from an earlier file by their
source ids. An interaction may name its contact (by external id or name, within that
customer). Only customers the importer may see are found; each row is written through the
same service as a contact or interaction entered by hand.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import (
    BOOL,
    CHOICE,
    CREATED,
    DATETIME,
    OWNER,
    REF,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportRow,
)
from guanxi.core.imports.values import not_in_future
from guanxi.core.phones import phone_fields_normalise
from guanxi.core.rules import manages_accounts, sees_everything, supervises
from guanxi.core.scoping import scope_queryset
from guanxi.customers import rules
from guanxi.customers.models import Contact, Customer, Interaction
from guanxi.customers.services import customers as services_customers
from guanxi.customers.services import interactions as services_interactions

CUSTOMER_COLUMN = Column(
    "customer",
    gettext_lazy("Customer"),
    REF,
    (
        "客户",
        "客户名称",
        "所属客户",
        "客户编号",
        "公司",
        "公司名称",
        "customer",
        "account",
        "company",
    ),
    required=True,
)


def customers_find(actor: Any, rows: list[ImportRow]) -> None:
    """Each row's customer (``row.related["customer"]``) by code, external id or exact name.

    One query for the batch, within the actor's scope; a name two customers share is refused.
    """
    texts = {row.values["customer"] for row in rows if row.values.get("customer")}
    if not texts:
        return
    found = scope_queryset(
        Customer.objects.filter(Q(code__in=texts) | Q(external_ref__in=texts) | Q(name__in=texts)),
        actor,
    ).select_related("owner")
    by_code: dict[str, Customer] = {}
    by_ref: dict[str, Customer] = {}
    by_name: dict[str, list[Customer]] = {}
    for customer in found:
        by_code[customer.code] = customer
        if customer.external_ref:
            by_ref[customer.external_ref] = customer
        by_name.setdefault(customer.name, []).append(customer)
    for row in rows:
        text = row.values.get("customer")
        if not text:
            continue
        match: Customer | None = by_code.get(text) or by_ref.get(text)
        named = by_name.get(text, [])
        if match is None and len(named) == 1:
            match = named[0]
        if match is not None:
            row.related["customer"] = match
        elif named:
            row.error(
                "customer",
                _("Several customers are called “%(value)s”: give the customer code.")
                % {"value": text},
                "ambiguous",
            )
        else:
            row.error(
                "customer",
                _(
                    "No customer “%(value)s” that you may see "
                    "(give its code, external id or exact name)."
                )
                % {"value": text},
                "not_found",
            )


_PHONES = ("office_phone", "mobile")


class ContactImporter(Importer):
    """Contacts 联系人: a person at a customer."""

    entity = "contacts"
    model = Contact
    label = gettext_lazy("contacts")
    permission = rules.ADD_CONTACT
    url_namespace = "customers"
    list_url = "customers:list"
    columns = (
        CUSTOMER_COLUMN,
        Column(
            "name",
            gettext_lazy("Contact name"),
            synonyms=("姓名", "联系人", "联系人姓名", "名字", "name", "contact", "fullname"),
            required=True,
            max_length=100,
        ),
        Column(
            "gender",
            gettext_lazy("Gender"),
            CHOICE,
            ("性别", "gender", "sex"),
            choices=Contact.Gender,
        ),
        Column(
            "title",
            gettext_lazy("Job title"),
            synonyms=("职务", "职位", "头衔", "title", "jobtitle", "position"),
            max_length=100,
        ),
        Column(
            "office_phone",
            gettext_lazy("Office phone"),
            synonyms=("办公电话", "座机", "电话", "officephone", "phone", "workphone"),
        ),
        Column(
            "mobile",
            gettext_lazy("Mobile"),
            synonyms=("手机", "手机号", "移动电话", "mobile", "cellphone", "cell"),
        ),
        Column(
            "email",
            gettext_lazy("E-mail"),
            synonyms=("邮箱", "电子邮件", "电子邮箱", "email", "mail"),
        ),
        Column(
            "notes", gettext_lazy("Notes"), synonyms=("备注", "说明", "notes", "note", "remarks")
        ),
        Column(
            "is_primary",
            gettext_lazy("Primary contact"),
            BOOL,
            ("主联系人", "首要联系人", "primary", "isprimary"),
        ),
    )
    _FIELDS = ("name", "gender", "title", "office_phone", "mobile", "email", "notes")

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_queryset(queryset, self.actor).select_related("customer")

    def prepare(self, rows: list[ImportRow]) -> None:
        customers_find(self.actor, rows)

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Without an external id, a contact of the same customer with the same name is present."""
        keys = {
            (row.related["customer"].pk, row.values["name"])
            for row in rows
            if not row.values.get("external_ref") and "customer" in row.related
        }
        if not keys:
            return
        present = set(
            Contact.objects.filter(
                customer_id__in={pk for pk, _name in keys}, name__in={n for _pk, n in keys}
            ).values_list("customer_id", "name")
        )
        for row in rows:
            if row.values.get("external_ref") or "customer" not in row.related:
                continue
            if (row.related["customer"].pk, row.values["name"]) in present:
                row.warning(
                    "name",
                    _("This customer has a contact of this name already; the row is skipped."),
                    "present",
                )
                row.outcome = UNCHANGED

    def write(self, row: ImportRow) -> str:
        values = {name: row.values[name] for name in self._FIELDS if name in row.values}
        contact = row.existing
        if contact is None:
            created = services_customers.contact_create(
                actor=self.actor,
                customer=row.related["customer"],
                is_primary=bool(row.values.get("is_primary")),
                external_ref=row.values.get("external_ref"),
                **values,
            )
            row.existing = created
            return CREATED
        labels = services_customers.field_labels(Contact, _PHONES)
        # Stored in E.164: compared normalised, so an unchanged number is no change.
        phone_fields_normalise(values, labels, current=contact)
        changes = self.changes(contact, values)
        if not changes:
            return UNCHANGED
        services_customers.contact_update(actor=self.actor, contact=contact, **changes)
        return UPDATED


class InteractionImporter(Importer):
    """Interactions 交往记录: a visit, call, e-mail or meeting with a customer, on its date."""

    entity = "interactions"
    model = Interaction
    label = gettext_lazy("interactions")
    permission = rules.ADD_INTERACTION
    url_namespace = "customers"
    list_url = "customers:interaction_list"
    owner_field = "owner"
    columns = (
        CUSTOMER_COLUMN,
        Column(
            "contact",
            gettext_lazy("Contact"),
            REF,
            ("联系人", "联系人姓名", "contact", "contactname"),
        ),
        Column(
            "occurred_at",
            gettext_lazy("Date"),
            DATETIME,
            ("日期", "时间", "交往日期", "交往时间", "拜访日期", "date", "occurredat", "time"),
            required=True,
        ),
        Column(
            "kind",
            gettext_lazy("Kind"),
            CHOICE,
            ("类型", "方式", "交往方式", "kind", "type", "channel"),
            choices=Interaction.Kind,
        ),
        Column(
            "place",
            gettext_lazy("Place"),
            synonyms=("地点", "地址", "place", "location"),
            max_length=200,
        ),
        Column(
            "summary",
            gettext_lazy("Summary"),
            synonyms=("概要", "摘要", "主题", "标题", "summary", "subject", "title"),
            required=True,
            max_length=200,
        ),
        Column(
            "details",
            gettext_lazy("Details"),
            synonyms=("详细信息", "详情", "内容", "记录", "details", "description", "notes"),
        ),
        Column(
            "owner",
            gettext_lazy("Recorded by"),
            OWNER,
            ("记录人", "负责人", "业务员", "客户经理", "owner", "recordedby", "user"),
        ),
    )
    _FIELDS = ("kind", "occurred_at", "place", "summary", "details")

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_queryset(queryset, self.actor).select_related("customer", "contact")

    def prepare(self, rows: list[ImportRow]) -> None:
        for row in rows:
            occurred_at = row.values.get("occurred_at")
            if occurred_at is not None:
                try:
                    not_in_future(occurred_at)
                except ValidationError:
                    row.error(
                        "occurred_at",
                        _(
                            "The date is in the future: "
                            "only interactions that happened are imported."
                        ),
                        "future",
                    )
        customers_find(self.actor, rows)
        self._owners_check(rows)
        self._contacts_find(
            [r for r in rows if "customer" in r.related and r.values.get("contact")]
        )

    def _owners_check(self, rows: list[ImportRow]) -> None:
        """Who had an interaction: anyone for a supervisor, an administrator or an executive
        (a migration names the people of the old system); else the importer or the
        customer's account manager, as when logging one by hand for them."""
        if supervises(self.actor) or sees_everything(self.actor) or manages_accounts(self.actor):
            return
        for row in rows:
            owner_id, customer = row.values.get("owner"), row.related.get("customer")
            if owner_id is None or owner_id == self.actor.pk:
                continue
            if customer is None or owner_id != customer.owner_id:
                row.error(
                    "owner",
                    _(
                        "You may import interactions had by yourself or by the customer's "
                        "account manager only."
                    ),
                    "refused",
                )

    @staticmethod
    def _contacts_find(rows: list[ImportRow]) -> None:
        if not rows:
            return
        texts = {row.values["contact"] for row in rows}
        found = Contact.objects.filter(
            Q(external_ref__in=texts) | Q(name__in=texts),
            customer_id__in={row.related["customer"].pk for row in rows},
        )
        by_ref: dict[str, Contact] = {}
        by_name: dict[tuple[int, str], list[Contact]] = {}
        for contact in found:
            if contact.external_ref:
                by_ref[contact.external_ref] = contact
            by_name.setdefault((contact.customer_id, contact.name), []).append(contact)
        for row in rows:
            text, customer = row.values["contact"], row.related["customer"]
            match: Contact | None = by_ref.get(text)
            if match is not None and match.customer_id != customer.pk:
                match = None
            named = by_name.get((customer.pk, text), [])
            if match is None and len(named) == 1:
                match = named[0]
            if match is not None:
                row.related["contact"] = match
            else:
                row.error(
                    "contact",
                    _("“%(customer)s” has no contact “%(value)s”.")
                    % {"customer": customer.name, "value": text}
                    if not named
                    else _(
                        "Several contacts are called “%(value)s”: give the contact's external id."
                    )
                    % {"value": text},
                    "ambiguous" if named else "not_found",
                )

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Without an external id, the same customer, date and summary mean already present."""
        keyed = [r for r in rows if not r.values.get("external_ref") and "customer" in r.related]
        if not keyed:
            return
        present = set(
            Interaction.objects.filter(
                customer_id__in={r.related["customer"].pk for r in keyed},
                occurred_at__in={r.values["occurred_at"] for r in keyed},
            ).values_list("customer_id", "occurred_at", "summary")
        )
        for row in keyed:
            key = (row.related["customer"].pk, row.values["occurred_at"], row.values["summary"])
            if key in present:
                row.warning(
                    "summary",
                    _(
                        "This interaction is present already "
                        "(same customer, date and summary); the row is skipped."
                    ),
                    "present",
                )
                row.outcome = UNCHANGED

    def write(self, row: ImportRow) -> str:
        values: dict[str, Any] = {n: row.values[n] for n in self._FIELDS if n in row.values}
        if "contact" in row.related:
            values["contact"] = row.related["contact"]
        interaction = row.existing
        owner_id = row.values.get("owner")
        if interaction is None:
            interaction = services_interactions.interaction_create(
                actor=self.actor,
                customer=row.related["customer"],
                external_ref=row.values.get("external_ref"),
                **values,
            )
            row.existing = interaction
            outcome = CREATED
        else:
            changes = self.changes(interaction, values)
            outcome = UPDATED if changes else UNCHANGED
            if changes:
                services_interactions.interaction_update(
                    actor=self.actor, interaction=interaction, **changes
                )
        if owner_id is not None and owner_id != interaction.on_behalf_of_id:
            # The person who had the interaction, kept as the one it was entered for (as
            # for an assistant's entry), so reports count it to them.
            Interaction.all_objects.filter(pk=interaction.pk).update(
                on_behalf_of_id=None if owner_id == self.actor.pk else owner_id
            )
            outcome = outcome if outcome == CREATED else UPDATED
        return outcome
