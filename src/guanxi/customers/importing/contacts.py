"""The contact importer 联系人导入: a person at a customer named by its source id."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.divisions import ADDRESS_COLUMN, DIVISION_COLUMNS, divisions_fill
from guanxi.core.imports.readers import MAX_BULK_IMPORT_BYTES, MAX_BULK_IMPORT_ROWS
from guanxi.core.imports.registry import (
    BOOL,
    CHOICE,
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportRow,
)
from guanxi.core.phones import phone_fields_normalise
from guanxi.core.scoping import scope_queryset
from guanxi.core.selectors.divisions import DIVISION_FIELDS
from guanxi.customers import rules
from guanxi.customers.importing.contact_writes import contacts_write
from guanxi.customers.importing.related import (
    CUSTOMER_COLUMN,
    CUSTOMER_FIELDS_READ,
    customers_find,
    own_fields,
    related_fields,
)
from guanxi.customers.models import Contact
from guanxi.customers.services import customers as services_customers

_PHONES = ("office_phone", "mobile")


class ContactImporter(Importer):
    """Contacts 联系人: a person at a customer."""

    entity = "contacts"
    model = Contact
    label = gettext_lazy("contacts")
    permission = rules.ADD_CONTACT
    url_namespace = "customers"
    max_rows = MAX_BULK_IMPORT_ROWS
    max_bytes = MAX_BULK_IMPORT_BYTES
    batch_size = 2000
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
        *DIVISION_COLUMNS,
        # Read only for the province, city and district when their columns are empty.
        ADDRESS_COLUMN,
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
    key_columns = ("customer", "name")
    _FIELDS = (
        "name",
        "gender",
        "title",
        "office_phone",
        "mobile",
        "email",
        "province",
        "city",
        "district",
        "notes",
    )
    # A duplicate's customer is the row's; the primary flag changes on the customer's page.
    update_columns = _FIELDS

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return (
            scope_queryset(queryset, self.actor)
            .select_related("customer", "province", "city", "district")
            .only(
                *own_fields(Contact),
                *related_fields("customer", CUSTOMER_FIELDS_READ),
                *(f"{level}__{name}" for level in DIVISION_FIELDS for name in ("code", "name")),
            )
        )

    def prepare(self, rows: list[ImportRow]) -> None:
        customers_find(self.actor, rows)
        divisions_fill(rows)

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Without an external id, a contact of the same customer with the same name is the
        row's duplicate (found for the whole batch in one query)."""
        keyed = [r for r in rows if not r.values.get("external_ref") and "customer" in r.related]
        if not keyed:
            return
        candidates: dict[tuple[int, str], Contact] = {}
        for contact in Contact.objects.filter(
            customer_id__in={row.related["customer"].pk for row in keyed},
            name__in={row.values["name"] for row in keyed},
        ).select_related("customer"):
            candidates.setdefault((contact.customer_id, contact.name), contact)
        for row in keyed:
            candidate = candidates.get((row.related["customer"].pk, row.values["name"]))
            if candidate is not None:
                row.mark_duplicate(
                    candidate,
                    "name",
                    _("%(customer)s has a contact of this name already: %(contact)s.")
                    % {"customer": candidate.customer, "contact": candidate.name},
                )

    def describe(self, candidate: Any) -> dict[str, str]:
        # A contact is shown on its customer's page.
        return {
            "label": f"{candidate.name} · {candidate.customer}",
            "code": candidate.external_ref or "",
            "url": candidate.customer.get_absolute_url(),
        }

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

    def write_batch(self, rows: list[ImportRow]) -> bool:
        return contacts_write(actor=self.actor, rows=rows)
