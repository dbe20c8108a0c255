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


# -- reassigning owners (SPEC §1: the customer moves with its open work, and it is logged) --

MAX_BULK_CUSTOMERS = 500


def _owner_name(owner) -> str:
    return str(owner) if owner is not None else _("the pool")


@transaction.atomic
def customer_reassign(
    *, actor, customer: Customer, owner, expected_version: int | None = None
) -> Customer:
    """Give ``customer`` to ``owner`` with its open work, in one step, with an audit entry.

    The actor needs the change right (403 otherwise) and must see the customer (``DoesNotExist``
    otherwise, a 404). Only owners the actor may assign to are accepted, and a customer can be
    given to nobody here: putting it in the pool is a release, not a reassignment. Giving a
    customer to its current owner changes nothing.
    """
    from guanxi.core.scoping import scope_queryset

    _require(actor, "customers.change_customer")
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


def _move_customer(*, actor, customer: Customer, owner, expected_version: int | None) -> Customer:
    """The write of a reassignment, once the rights and the new owner were checked."""
    from guanxi.customers import reassign_hooks

    previous = customer.owner
    customer.owner = owner
    record_update(
        instance=customer,
        actor=actor,
        expected_version=expected_version,
        change_reason=_("Reassigned from %(old)s to %(new)s")
        % {"old": _owner_name(previous), "new": _owner_name(owner)},
    )
    reassign_hooks.run(actor=actor, customer=customer, previous=previous, owner=owner)
    return customer


@transaction.atomic
def customers_bulk_reassign(*, actor, customer_ids, owner) -> int:
    """Give every customer of ``customer_ids`` to ``owner``; all of them or none.

    Every id must be a customer the actor sees: one unknown or out-of-scope id raises
    ``Customer.DoesNotExist`` (a 404) before anything is written, so the answer reveals nothing
    and changes nothing. Returns how many customers changed owner.
    """
    from guanxi.customers.selectors import customer_list

    _require(actor, "customers.change_customer")
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
    if owner is None:
        raise ValidationError({"owner": _("Choose the account manager to give the customers to.")})
    _check_owner(actor, owner)
    chosen = list(customer_list(actor=actor).filter(pk__in=ids).order_by("pk"))
    if len(chosen) != len(ids):
        raise Customer.DoesNotExist
    changed = 0
    for customer in chosen:
        if customer.owner_id != owner.pk:
            _move_customer(
                actor=actor, customer=customer, owner=owner, expected_version=customer.version
            )
            changed += 1
    return changed
