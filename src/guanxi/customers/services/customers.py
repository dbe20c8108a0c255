"""Every write on customers and contacts."""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import assignable_owners
from guanxi.collaboration.services.notifications import notification_send
from guanxi.core.imports.bulk import values_update
from guanxi.core.models import DictionaryEntry, Division
from guanxi.core.phones import phone_fields_normalise
from guanxi.core.pinyin import pinyin_sort_key
from guanxi.core.rules import VIEW_TEAM_RECORDS, is_sales_assistant, require
from guanxi.core.scoping import scope_queryset
from guanxi.core.selectors.divisions import province_region_get
from guanxi.core.services.divisions import divisions_resolve
from guanxi.core.services.records import (
    code_next,
    record_bulk_update,
    record_create,
    record_soft_delete,
    record_update,
    system_reason,
)
from guanxi.customers import dedup, notifications, reassign_hooks, rules
from guanxi.customers.identifiers import IDENTIFIER_FIELDS, identifier_check
from guanxi.customers.models import Contact, Customer, FlaggedValue
from guanxi.customers.search.keys import customer_search_columns
from guanxi.customers.selectors.customers import customer_list

CUSTOMER_CODE_PREFIX = "KH"
PRIMARY_REPLACED = system_reason(
    "customers.primary_contact_replaced", gettext_lazy("Another contact became the primary one")
)
CUSTOMER_EDITABLE_FIELDS = (
    "name",
    "kind",
    "level",
    "region",
    "industry",
    "source",
    "owner",
    "phone",
    "fax",
    "email",
    "province",
    "city",
    "district",
    "address",
    "postcode",
    "website",
    "business_licence_no",
    "legal_representative",
    "registered_capital",
    "annual_revenue",
    "bank",
    "bank_account",
    "tax_id",
    "tags",
    "satisfaction",
    "credit",
    "notes",
)
# Not editable here: the credit status 信用冻结 has its own rule and service (services.credit).


class CustomerFields(TypedDict, total=False):
    """The editable fields of a customer (``CUSTOMER_EDITABLE_FIELDS``) as the services take
    them; a write names only those it changes."""

    name: str
    kind: str
    level: DictionaryEntry | None
    region: DictionaryEntry | None
    industry: DictionaryEntry | None
    source: DictionaryEntry | None
    owner: User | None
    phone: str
    fax: str
    email: str
    province: Division | None
    city: Division | None
    district: Division | None
    address: str
    postcode: str
    website: str
    business_licence_no: str
    legal_representative: str
    registered_capital: Decimal | None
    annual_revenue: Decimal | None
    bank: str
    bank_account: str
    tax_id: str
    tags: str | Iterable[str]
    satisfaction: int | None
    credit: int | None
    notes: str


class ContactFields(TypedDict, total=False):
    """The fields of a contact as the services take them (``is_primary`` on create only)."""

    name: str
    gender: str
    title: str
    office_phone: str
    mobile: str
    email: str
    province: Division | None
    city: Division | None
    district: Division | None
    notes: str
    is_primary: bool
    external_ref: str | None


CUSTOMER_PHONE_FIELDS = ("phone", "fax")
CONTACT_PHONE_FIELDS = ("office_phone", "mobile")
# The fields whose stored values from before the phone and identifier checks may be flagged.
CUSTOMER_CHECKED_FIELDS = (*CUSTOMER_PHONE_FIELDS, *IDENTIFIER_FIELDS)
MAX_TAG_LENGTH = 30
_TAG_SEPARATORS = re.compile(r"[,，;；]")


def _check_owner(actor: User, owner: User | None) -> None:
    if owner is not None and not assignable_owners(actor=actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("You cannot give customers to this user.")})


def identifier_normalise(value: str) -> str:
    """Codes as stored: half-width, upper case, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


def tags_normalise(tags: str | Iterable[Any] | None) -> str:
    """The stored form of ``tags`` (a list, or text split at commas): ",a,b," or "".

    Each tag is NFKC-folded, case-folded and stripped; duplicates go, order is kept.
    """
    if isinstance(tags, str):
        tags = [tags]
    # A separator inside a list item splits it too, so the stored format cannot break.
    parts = [part for tag in tags or () for part in _TAG_SEPARATORS.split(str(tag))]
    cleaned: list[str] = []
    for tag in parts:
        tag = unicodedata.normalize("NFKC", tag).strip().casefold()
        if not tag:
            continue
        if any(unicodedata.category(char) == "Cc" for char in tag):
            raise ValidationError({"tags": _("A tag cannot contain control characters.")})
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(
                {
                    "tags": _("A tag can have at most %(count)d characters.")
                    % {"count": MAX_TAG_LENGTH}
                }
            )
        cleaned.append(tag)
    cleaned = list(dict.fromkeys(cleaned))
    return f",{','.join(cleaned)}," if cleaned else ""


def field_labels(model: Any, names: Iterable[str]) -> dict[str, Any]:
    """The verbose names of ``model``'s fields ``names`` (for messages naming the field)."""
    return {name: model._meta.get_field(name).verbose_name for name in names}


def _unflag(customer: Customer, contact: Contact | None, names: Iterable[str]) -> None:
    """A corrected value is no longer to be corrected."""
    if names := list(names):
        FlaggedValue.objects.filter(customer=customer, contact=contact, field__in=names).delete()


def _clean_fields(given: Mapping[str, Any], current: Customer | None = None) -> dict[str, Any]:
    """The fields as stored; ``current`` is the customer being changed, whose unchanged
    phones and identifiers are kept as they are (see core.phones.phone_fields_normalise)."""
    fields = dict(given)
    unknown = set(fields) - set(CUSTOMER_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    errors: dict[str, Any] = {}
    try:
        phone_fields_normalise(
            fields, field_labels(Customer, CUSTOMER_PHONE_FIELDS), current=current
        )
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        fields.update(divisions_resolve(fields, current))
    except ValidationError as error:
        errors.update(error.error_dict)
    for name in IDENTIFIER_FIELDS:
        if name not in fields or (current is not None and fields[name] == getattr(current, name)):
            continue
        try:
            fields[name] = identifier_check(
                name, fields[name] or "", label=str(field_labels(Customer, [name])[name])
            )
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)
    if "tags" in fields:
        fields["tags"] = tags_normalise(fields["tags"])
    _region_follow_province(fields, current)
    return fields


def _region_follow_province(fields: dict[str, Any], current: Customer | None) -> None:
    """大区 from 省: a customer given a new province takes the province's sales region (the
    settings' table), over any region given with it; an unmapped province leaves the region
    as given. Customers whose province does not change keep their region."""
    province = fields.get("province")
    if province is None or (current is not None and current.province_id == province.pk):
        return
    region = province_region_get(province=province)
    if region is not None:
        fields["region"] = region


def _search_columns(customer: Customer) -> dict[str, str]:
    names: Iterable[str] = []
    if customer.pk is not None:
        names = Contact.objects.filter(customer_id=customer.pk).values_list("name", flat=True)
    return customer_search_columns(
        name=customer.name,
        code=customer.code,
        phone=customer.phone,
        email=customer.email,
        contact_names=names,
    )


def derive_keys(customer: Customer) -> None:
    """Set the search and duplicate-check keys from the customer's fields (no save)."""
    for column, keys in _search_columns(customer).items():
        setattr(customer, column, keys)
    customer.name_key = dedup.name_key(customer.name)
    customer.name_sort = pinyin_sort_key(customer.name)
    customer.phone_digits = dedup.phone_digits(customer.phone)


def customer_search_refresh(*, customer: Customer) -> None:
    """Rewrite the search keys after a contact change; no version bump, no audit entry."""
    columns = _search_columns(customer)
    for column, keys in columns.items():
        setattr(customer, column, keys)
    # A plain UPDATE on purpose: the search keys are derived from the customer's and contacts'
    # own audited fields, are no business field, and the history page leaves them out.
    Customer.all_objects.filter(pk=customer.pk).update(**columns)


def customers_search_refresh(*, customer_ids: Iterable[int]) -> None:
    """:func:`customer_search_refresh` for many customers at once (an import's batch of
    contacts): two reads and one UPDATE statement for all of them."""
    customers = list(
        Customer.all_objects.filter(pk__in=set(customer_ids)).only(
            "pk", "name", "code", "phone", "email"
        )
    )
    if not customers:
        return
    names: dict[int, list[str]] = {}
    for customer_id, name in Contact.objects.filter(
        customer_id__in=[customer.pk for customer in customers]
    ).values_list("customer_id", "name"):
        names.setdefault(customer_id, []).append(name)
    keys: dict[int, tuple[str, ...]] = {}
    columns: list[str] = []
    for customer in customers:
        derived = customer_search_columns(
            name=customer.name,
            code=customer.code,
            phone=customer.phone,
            email=customer.email,
            contact_names=names.get(customer.pk, []),
        )
        columns = list(derived)
        keys[customer.pk] = tuple(derived.values())
    # A plain UPDATE, as in customer_search_refresh: derived keys, no version, no audit entry.
    values_update(Customer, columns, keys)


def _default_owner(actor: User) -> User | None:
    """A sales assistant enters for the single manager they support; everyone else owns it."""
    if is_sales_assistant(actor):
        supported = list(actor.supports.all()[:2])
        return supported[0] if len(supported) == 1 else None
    return actor


# Who hears of a withheld duplicate whose owner cannot be told: at most this many supervisors.
DUPLICATE_SUPERVISORS = 3


def _supervisors(actor: User) -> list[User]:
    """Active supervisors (the team records right) of ``actor``'s team or a team above it."""
    team = actor.team
    if team is None:
        return []
    team_ids = [int(part) for part in team.path.strip("/").split("/") if part]
    app_label, codename = VIEW_TEAM_RECORDS.split(".")
    right = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    holders = User.objects.filter(
        Q(groups__permissions__in=right) | Q(user_permissions__in=right),
        is_active=True,
        team_id__in=team_ids,
    ).exclude(pk=actor.pk)
    return list(holders.distinct().order_by("username")[:DUPLICATE_SUPERVISORS])


def _withheld_duplicates_notify(*, actor: User, duplicates: "dedup.Duplicates") -> None:
    """Tell someone who may see each withheld duplicate that ``actor`` may be entering it again.

    The owner, unless there is none (the pool) or it is the actor (who may not see the field
    the customer was found by); then the actor's supervisors. Never the actor.
    """
    supervisors: list[User] | None = None
    for customer in duplicates.withheld:
        owner = customer.owner
        if owner is not None and owner.pk != actor.pk and owner.is_active:
            recipients = [owner]
        else:
            if supervisors is None:
                supervisors = _supervisors(actor)
            recipients = supervisors
        for recipient in recipients:
            notification_send(
                recipient=recipient,
                kind=notifications.POSSIBLE_DUPLICATE,
                params={"name": customer.name, "actor": str(actor)},
                url=customer.get_absolute_url(),
            )


def customer_create(
    *, actor: User, confirm_duplicate: bool = True, **given: Unpack[CustomerFields]
) -> Customer:
    """Create a customer; with ``confirm_duplicate=False`` a likely duplicate is refused.

    The refusal is a :class:`guanxi.customers.dedup.DuplicateError` naming the candidates,
    so the form or API can show them and ask again with ``confirm_duplicate=True``. Candidates
    found only through a field protected from the actor are not named (dedup); someone who
    may see them is notified, outside the create's transaction so the refusal keeps the notice.
    """
    require(actor, rules.ADD_CUSTOMER)
    fields = _clean_fields(given)
    if not confirm_duplicate:
        _refuse_duplicates(actor, fields)
    return _customer_insert(actor=actor, fields=fields)


def customer_duplicates_check(*, actor: User, **given: Unpack[CustomerFields]) -> None:
    """Refuse a likely duplicate of the customer ``given`` describes, as :func:`customer_create`
    does, without creating anything.

    For a service that creates a customer inside its own transaction (a lead converted, an
    opportunity won): checked before that transaction, the refusal keeps the notice it sends
    about a withheld duplicate, which the transaction's rollback would otherwise take back.
    """
    require(actor, rules.ADD_CUSTOMER)
    _refuse_duplicates(actor, _clean_fields(given))


def _refuse_duplicates(actor: User, fields: dict[str, Any]) -> None:
    try:
        dedup.raise_if_duplicates(actor=actor, **fields)
    except dedup.DuplicateError as error:
        _withheld_duplicates_notify(actor=actor, duplicates=error.duplicates)
        raise


@transaction.atomic
def _customer_insert(*, actor: User, fields: dict[str, Any]) -> Customer:
    if "owner" not in fields:
        fields["owner"] = _default_owner(actor)
    _check_owner(actor, fields["owner"])
    customer = Customer(**fields)
    customer.code = code_next(prefix=CUSTOMER_CODE_PREFIX)
    _owner_changed(customer)
    derive_keys(customer)
    owner = fields["owner"]
    record_create(
        instance=customer,
        actor=actor,
        on_behalf_of=owner if owner is not None and owner != actor else None,
    )
    return customer


@transaction.atomic
def customer_update(
    *,
    actor: User,
    customer: Customer,
    expected_version: int | None = None,
    **fields: Unpack[CustomerFields],
) -> Customer:
    require(actor, rules.CHANGE_CUSTOMER)
    return _customer_update(
        actor=actor, customer=customer, expected_version=expected_version, given=fields
    )


def _customer_update(
    *, actor: User, customer: Customer, expected_version: int | None, given: Mapping[str, Any]
) -> Customer:
    """The write of an update inside the caller's transaction (no savepoint per record)."""
    fields = _clean_fields(given, current=customer)
    corrected = [
        name
        for name in CUSTOMER_CHECKED_FIELDS
        if name in fields and fields[name] != getattr(customer, name)
    ]
    previous = customer.owner
    owner_changes = "owner" in fields and fields["owner"] != previous
    if owner_changes:
        _check_owner(actor, fields["owner"])
    for name, value in fields.items():
        setattr(customer, name, value)
    if owner_changes:
        _owner_changed(customer)
    derive_keys(customer)
    record_update(instance=customer, actor=actor, expected_version=expected_version)
    _unflag(customer, None, corrected)
    if owner_changes:
        # An edit of the owner is a reassignment like any other: the open work follows.
        reassign_hooks.run(actor=actor, customer=customer, previous=previous, owner=customer.owner)
    return customer


def customer_delete(
    *, actor: User, customer: Customer, expected_version: int | None = None
) -> None:
    require(actor, rules.DELETE_CUSTOMER)
    record_soft_delete(instance=customer, actor=actor, expected_version=expected_version)


@transaction.atomic
def contact_create(*, actor: User, customer: Customer, **fields: Unpack[ContactFields]) -> Contact:
    require(actor, rules.ADD_CONTACT)
    return contact_create_within(actor=actor, customer=customer, fields=fields)


def contact_create_within(*, actor: User, customer: Customer, fields: Mapping[str, Any]) -> Contact:
    """The write of :func:`contact_create` inside the caller's transaction, the right checked
    (the vCard import adds many contacts in one transaction, without a savepoint each)."""
    fields = dict(fields)
    phone_fields_normalise(fields, field_labels(Contact, CONTACT_PHONE_FIELDS))
    fields.update(divisions_resolve(fields))
    contact = Contact(customer=customer, **fields)
    contact.name_sort = pinyin_sort_key(contact.name)
    if contact.is_primary or not customer.contacts.exists():
        record_bulk_update(
            queryset=Contact.objects.filter(customer=customer, is_primary=True),
            values={"is_primary": False},
            reason=PRIMARY_REPLACED,
            actor=actor,
        )
        contact.is_primary = True
    record_create(instance=contact, actor=actor)
    customer_search_refresh(customer=customer)
    return contact


CONTACT_EDITABLE_FIELDS = (
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


@transaction.atomic
def contact_update(
    *,
    actor: User,
    contact: Contact,
    expected_version: int | None = None,
    **fields: Unpack[ContactFields],
) -> Contact:
    """Change a contact's details (not its customer or primary flag)."""
    require(actor, rules.CHANGE_CONTACT)
    unknown = set(fields) - set(CONTACT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    given = dict(fields)
    phone_fields_normalise(given, field_labels(Contact, CONTACT_PHONE_FIELDS), current=contact)
    given.update(divisions_resolve(given, contact))
    corrected = [
        name
        for name in CONTACT_PHONE_FIELDS
        if name in given and given[name] != getattr(contact, name)
    ]
    for name, value in given.items():
        setattr(contact, name, value)
    contact.name_sort = pinyin_sort_key(contact.name)
    record_update(instance=contact, actor=actor, expected_version=expected_version)
    _unflag(contact.customer, contact, corrected)
    customer_search_refresh(customer=contact.customer)
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact, expected_version: int | None = None) -> None:
    require(actor, rules.DELETE_CONTACT)
    record_soft_delete(instance=contact, actor=actor, expected_version=expected_version)
    customer_search_refresh(customer=contact.customer)


# -- reassigning owners: the customer moves with its open work, and it is logged --

MAX_BULK_CUSTOMERS = 500


def _owner_name(owner: User | None) -> str:
    return str(owner) if owner is not None else _("the pool")


@transaction.atomic
def customer_reassign(
    *, actor: User, customer: Customer, owner: User | None, expected_version: int | None = None
) -> Customer:
    """Give ``customer`` to ``owner`` with its open work, in one step, with an audit entry.

    The actor needs the change right (403 otherwise) and must see the customer (``DoesNotExist``
    otherwise, a 404). Only owners the actor may assign to are accepted, and a customer can be
    given to nobody here: putting it in the pool is a release, not a reassignment. Giving a
    customer to its current owner changes nothing.
    """
    require(actor, rules.CHANGE_CUSTOMER)
    if not scope_queryset(Customer.objects.filter(pk=customer.pk), actor).exists():
        raise Customer.DoesNotExist
    if owner is None:
        raise ValidationError({"owner": _("Choose the account manager to give the customers to.")})
    if owner.pk == customer.owner_id:
        return customer
    _check_owner(actor, owner)
    return _move_customer(
        actor=actor, customer=customer, owner=owner, expected_version=expected_version
    )


def _move_customer(
    *, actor: User, customer: Customer, owner: User, expected_version: int | None
) -> Customer:
    """The write of a reassignment, once the rights and the new owner were checked."""
    previous = customer.owner
    customer.owner = owner
    _owner_changed(customer)
    record_update(
        instance=customer,
        actor=actor,
        expected_version=expected_version,
        change_reason=_("Reassigned from %(old)s to %(new)s")
        % {"old": _owner_name(previous), "new": _owner_name(owner)},
    )
    reassign_hooks.run(actor=actor, customer=customer, previous=previous, owner=owner)
    return customer


def _bulk_selection(*, actor: User, customer_ids: Iterable[int | str]) -> list[Customer]:
    """The customers of a bulk action: every id must be one the actor sees, or nothing happens.

    One unknown or out-of-scope id raises ``Customer.DoesNotExist`` (a 404) before anything is
    written, so the answer reveals nothing and changes nothing.
    """
    ids = {int(pk) for pk in customer_ids}
    if not ids:
        raise ValidationError({"ids": _("Select at least one customer.")})
    if len(ids) > MAX_BULK_CUSTOMERS:
        raise ValidationError(
            {
                "ids": _("Select at most %(count)d customers at a time.")
                % {"count": MAX_BULK_CUSTOMERS}
            }
        )
    chosen = list(customer_list(actor=actor).filter(pk__in=ids).order_by("pk"))
    if len(chosen) != len(ids):
        raise Customer.DoesNotExist
    return chosen


@transaction.atomic
def customers_bulk_reassign(
    *, actor: User, customer_ids: Iterable[int | str], owner: User | None
) -> int:
    """Give every customer of ``customer_ids`` to ``owner``; all of them or none.

    Returns how many customers changed owner.
    """
    require(actor, rules.CHANGE_CUSTOMER)
    if owner is None:
        raise ValidationError({"owner": _("Choose the account manager to give the customers to.")})
    _check_owner(actor, owner)
    changed = 0
    for customer in _bulk_selection(actor=actor, customer_ids=customer_ids):
        if customer.owner_id != owner.pk:
            _move_customer(
                actor=actor, customer=customer, owner=owner, expected_version=customer.version
            )
            changed += 1
    return changed


@transaction.atomic
def customers_bulk_add_tag(*, actor: User, customer_ids: Iterable[int | str], tag: str) -> int:
    """Add ``tag`` to every customer of ``customer_ids``; all of them or none.

    Returns how many customers did not have the tag yet.
    """
    require(actor, rules.CHANGE_CUSTOMER)
    stored = tags_normalise([tag])
    if not stored:
        raise ValidationError({"tag": _("Enter the tag to add.")})
    changed = 0
    for customer in _bulk_selection(actor=actor, customer_ids=customer_ids):
        if stored in (customer.tags or ","):
            continue
        _customer_update(
            actor=actor,
            customer=customer,
            expected_version=customer.version,
            given={"tags": [*(customer.tags or "").split(","), stored.strip(",")]},
        )
        changed += 1
    return changed


# -- the customer pool 公海: every change of owner restarts the recall clock --


def _owner_changed(customer: Customer) -> None:
    """A new owner starts a new period: the pool's recall clock and notice begin afresh."""
    customer.owned_since = timezone.now() if customer.owner_id is not None else None
    customer.recall_notice_at = None
