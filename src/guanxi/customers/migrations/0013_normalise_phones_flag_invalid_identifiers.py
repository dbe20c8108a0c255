"""Phones of customers and contacts stored in E.164, identifiers compact; values that do not
pass the checks are kept as typed and flagged (FlaggedValue), never dropped.

Works in batches by primary key (bulk_update), so a million customers take a bounded amount of
memory on SQLite and PostgreSQL alike; rows that change nothing are not written.
"""

from django.db import migrations

from guanxi.core.phones import phone_key, phone_normalise_or_keep
from guanxi.customers.identifiers import IDENTIFIER_FIELDS, identifier_compact, identifier_is_valid
from guanxi.customers.search.index import (
    REBUILD_INDEX_FROM,
    search_index_create,
    search_index_drop,
)
from guanxi.customers.search.keys import customer_search_text

BATCH = 2000
CUSTOMER_PHONES = ("phone", "fax")
CONTACT_PHONES = ("office_phone", "mobile")


def _batches(queryset, fields):
    last = 0
    while batch := list(queryset.filter(pk__gt=last).order_by("pk").only(*fields)[:BATCH]):
        last = batch[-1].pk
        yield batch


def _phones(record, names, flags, flag):
    changed = False
    for name in names:
        value = getattr(record, name) or ""
        if not value:
            continue
        stored, valid = phone_normalise_or_keep(value)
        if not valid:
            flags.append(flag(name, value))
        elif stored != value:
            setattr(record, name, stored)
            changed = True
    return changed


def forwards(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Contact = apps.get_model("customers", "Contact")
    FlaggedValue = apps.get_model("customers", "FlaggedValue")
    # Most phones change spelling: a large table gets its search index rebuilt once.
    rebuild = Customer.objects.count() >= REBUILD_INDEX_FROM and search_index_drop()
    fields = ("pk", "name", "code", "email", "deleted_at", *CUSTOMER_PHONES, *IDENTIFIER_FIELDS)
    for batch in _batches(Customer.objects.all(), fields):
        changed, rekeyed, flags = [], [], []
        for customer in batch:
            dirty = _phones(
                customer,
                CUSTOMER_PHONES,
                flags,
                lambda name, value, c=customer: FlaggedValue(customer=c, field=name, value=value),
            )
            phone_changed = dirty
            for name in IDENTIFIER_FIELDS:
                value = getattr(customer, name) or ""
                compact = identifier_compact(value)
                if not identifier_is_valid(name, compact):
                    flags.append(FlaggedValue(customer=customer, field=name, value=value))
                elif compact != value:
                    setattr(customer, name, compact)
                    dirty = True
            if dirty:
                changed.append(customer)
            if phone_changed:
                rekeyed.append(customer)
        names = {}
        if rekeyed:
            contacts = Contact.objects.filter(
                customer_id__in=[c.pk for c in rekeyed], deleted_at__isnull=True
            ).order_by("pk")
            for customer_id, name in contacts.values_list("customer_id", "name"):
                names.setdefault(customer_id, []).append(name)
        for customer in rekeyed:
            customer.phone_digits = phone_key(customer.phone)
            customer.search_text = customer_search_text(
                name=customer.name,
                code=customer.code,
                contact_names=names.get(customer.pk, []),
            )
        if changed:
            columns = [*CUSTOMER_PHONES, *IDENTIFIER_FIELDS]
            if rekeyed:
                columns += ["phone_digits", "search_text"]
            Customer.objects.bulk_update(changed, columns)
        FlaggedValue.objects.bulk_create(flags)
    if rebuild:
        search_index_create()
    for batch in _batches(Contact.objects.all(), ("pk", "customer_id", *CONTACT_PHONES)):
        changed, flags = [], []
        for contact in batch:
            if _phones(
                contact,
                CONTACT_PHONES,
                flags,
                lambda name, value, c=contact: FlaggedValue(
                    customer_id=c.customer_id, contact=c, field=name, value=value
                ),
            ):
                changed.append(contact)
        if changed:
            Contact.objects.bulk_update(changed, list(CONTACT_PHONES))
        FlaggedValue.objects.bulk_create(flags)


class Migration(migrations.Migration):
    dependencies = [("customers", "0012_phones_and_identifiers_checked_in_services")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
