"""Every write on customers and contacts."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.selectors import assignable_owners
from guanxi.core.services import code_next, record_create, record_soft_delete, record_update
from guanxi.customers.models import Contact, Customer

CUSTOMER_CODE_PREFIX = "KH"
CUSTOMER_EDITABLE_FIELDS = (
    "name",
    "kind",
    "level",
    "region",
    "industry",
    "source",
    "owner",
    "phone",
    "email",
    "address",
    "website",
    "satisfaction",
    "credit",
    "credit_status",
)


def _require(actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(_("You do not have the right to do this."))


def _check_owner(actor, owner) -> None:
    if owner is not None and not assignable_owners(actor=actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("You cannot give customers to this user.")})


def _default_owner(actor):
    """A sales assistant enters for the single manager they support; everyone else owns it."""
    if actor.supports.exists() and not actor.has_perm("accounts.view_team_records"):
        supported = list(actor.supports.all()[:2])
        return supported[0] if len(supported) == 1 else None
    return actor


@transaction.atomic
def customer_create(*, actor, **fields) -> Customer:
    _require(actor, "customers.add_customer")
    unknown = set(fields) - set(CUSTOMER_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "owner" not in fields:
        fields["owner"] = _default_owner(actor)
    _check_owner(actor, fields["owner"])
    customer = Customer(**fields)
    customer.code = code_next(prefix=CUSTOMER_CODE_PREFIX)
    owner = fields["owner"]
    return record_create(
        instance=customer,
        actor=actor,
        on_behalf_of=owner if owner is not None and owner != actor else None,
    )


@transaction.atomic
def customer_update(
    *, actor, customer: Customer, expected_version: int | None = None, **fields
) -> Customer:
    _require(actor, "customers.change_customer")
    unknown = set(fields) - set(CUSTOMER_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "owner" in fields and fields["owner"] != customer.owner:
        _check_owner(actor, fields["owner"])
    for name, value in fields.items():
        setattr(customer, name, value)
    return record_update(instance=customer, actor=actor, expected_version=expected_version)


def customer_delete(*, actor, customer: Customer, expected_version: int | None = None) -> None:
    _require(actor, "customers.delete_customer")
    record_soft_delete(instance=customer, actor=actor, expected_version=expected_version)


@transaction.atomic
def contact_create(*, actor, customer: Customer, **fields) -> Contact:
    _require(actor, "customers.add_contact")
    contact = Contact(customer=customer, **fields)
    if contact.is_primary or not customer.contacts.exists():
        Contact.objects.filter(customer=customer, is_primary=True).update(is_primary=False)
        contact.is_primary = True
    return record_create(instance=contact, actor=actor)
