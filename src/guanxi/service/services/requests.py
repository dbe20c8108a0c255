"""Every write that files or changes a service request 客户服务: create, receive (the intake),
edit, delete, assign 服务分配, and the move of open requests when their customer changes hands.

The flow these steps belong to is described in :mod:`guanxi.service.services.flow`; the
handling is in ``handling``, the feedback in ``feedback``.
"""

from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guanxi.accounts.models import User
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.phones import phone_fields_normalise
from guanxi.core.rules import require
from guanxi.core.scoping import scope_queryset
from guanxi.core.services.records import code_next, record_create, record_soft_delete, record_update
from guanxi.customers.models import Contact, Customer
from guanxi.service import notifications, rules
from guanxi.service.models import ServiceRequest, ServiceRound
from guanxi.service.selectors.requests import service_assignee_choices
from guanxi.service.services.flow import (
    Status,
    checked_entry,
    request_locked,
    status_check,
    text_checked,
    version_check,
)
from guanxi.service.services.notifications import request_notify
from guanxi.service.services.sla import due_times_set

CODE_PREFIX = "FW"
EDITABLE_FIELDS = ("service_type", "summary", "request", "channel", "customer", "contact")


class ServiceRequestFields(TypedDict, total=False):
    """The editable fields of a request (``EDITABLE_FIELDS``); an update names those it changes."""

    service_type: DictionaryEntry | None
    summary: str
    request: str
    channel: DictionaryEntry | None
    customer: Customer | None
    contact: Contact | None


def _check_customer_and_contact(
    actor: User | None, *, customer: Customer | None, contact: Contact | None
) -> None:
    if (
        actor is not None
        and customer is not None
        and not scope_queryset(Customer.objects.filter(pk=customer.pk), actor).exists()
    ):
        raise ValidationError({"customer": _("You cannot file requests for this customer.")})
    wrong_contact = contact is not None and (
        customer is None or contact.customer_id != customer.pk or contact.is_deleted
    )
    if wrong_contact:
        raise ValidationError({"contact": _("Choose a contact of this request's customer.")})


# -- create and edit ---------------------------------------------------------------------------


def _clean(
    actor: User | None,
    *,
    service_type: object,
    summary: str | None,
    request: str | None,
    channel: object,
    customer: Customer | None = None,
    contact: Contact | None = None,
) -> ServiceRequestFields:
    """The editable fields checked and normalised (each error names its field)."""
    checked_type = checked_entry(
        service_type,
        kind=DictionaryKind.SERVICE_TYPE,
        field="service_type",
        message=_("Choose the service type."),
    )
    checked_channel = checked_entry(
        channel, kind=DictionaryKind.CHANNEL, field="channel", message=_("Choose the channel.")
    )
    summary = text_checked(
        summary, field="summary", required_message=_("Summarise the request."), max_length=200
    )
    request = text_checked(request, field="request", required_message=_("Describe the request."))
    _check_customer_and_contact(actor, customer=customer, contact=contact)
    return {
        "service_type": checked_type,
        "summary": summary,
        "request": request,
        "channel": checked_channel,
        "customer": customer,
        "contact": contact,
    }


def _build(
    *,
    actor: User | None,
    service_type: DictionaryEntry | None,
    summary: str,
    request: str,
    channel: DictionaryEntry | None,
    customer: Customer | None,
    contact: Contact | None,
    requester_name: str = "",
    requester_email: str = "",
    requester_phone: str = "",
) -> ServiceRequest:
    fields = _clean(
        actor,
        service_type=service_type,
        summary=summary,
        request=request,
        channel=channel,
        customer=customer,
        contact=contact,
    )
    requester = {"requester_phone": (requester_phone or "").strip()}
    if requester["requester_phone"]:
        phone_fields_normalise(
            requester,
            {"requester_phone": ServiceRequest._meta.get_field("requester_phone").verbose_name},
        )
    service_request = ServiceRequest(
        **fields,
        requester_name=(requester_name or "").strip(),
        requester_email=(requester_email or "").strip(),
        requester_phone=requester["requester_phone"],
        created_at=timezone.now(),
    )
    due_times_set(service_request)
    return service_request


def _customer_owner_keep(service_request: ServiceRequest) -> None:
    """Copy the customer's account manager onto the request (no save).

    The customer row is locked against a concurrent reassignment, whose hook would otherwise
    miss this request while it is not committed yet and leave it with the previous owner.
    """
    if service_request.customer_id is None:
        service_request.customer_owner_id = None
        return
    owners = Customer.all_objects.select_for_update(no_key=True).filter(
        pk=service_request.customer_id
    )
    service_request.customer_owner_id = owners.values_list("owner_id", flat=True).get()


def _code() -> str:
    """The next request code, ``FW`` + year + six digits (a write: inside the transaction)."""
    return code_next(prefix=CODE_PREFIX, year=timezone.localdate().year, width=6)


@transaction.atomic
def service_request_create(
    *,
    actor: User,
    customer: Customer | None,
    service_type: DictionaryEntry | None,
    summary: str,
    request: str,
    channel: DictionaryEntry | None,
    contact: Contact | None = None,
    external_ref: str | None = None,
) -> ServiceRequest:
    """Staff file a request for a customer in their scope; it starts as new 新创建.

    ``external_ref`` is the request's id in the system it was imported from."""
    require(actor, rules.ADD_SERVICEREQUEST)
    if customer is None:
        raise ValidationError({"customer": _("Choose the customer who made the request.")})
    service_request = _build(
        actor=actor,
        service_type=service_type,
        summary=summary,
        request=request,
        channel=channel,
        customer=customer,
        contact=contact,
    )
    service_request.code = _code()
    service_request.external_ref = (external_ref or "").strip() or None
    _customer_owner_keep(service_request)
    return record_create(instance=service_request, actor=actor)


def service_request_receive(
    *,
    service_type: DictionaryEntry | None,
    summary: str,
    request: str,
    channel: DictionaryEntry | None,
    customer: Customer | None = None,
    contact: Contact | None = None,
    requester_name: str = "",
    requester_email: str = "",
    requester_phone: str = "",
) -> ServiceRequest:
    """A request that came in by itself (the public form, e-mail), with no one signed in.

    The intake matches the customer when it can; otherwise the request waits, with the
    requester's details, for a supervisor to link a customer and assign it.

    The input is checked before anything is written; the writes then join the caller's
    transaction (the web form's, the mailbox's per mail) instead of opening a savepoint.
    """
    if not (requester_email or requester_phone or customer):
        raise ValidationError(
            {"requester_email": _("Give an e-mail address or a phone number to reply to.")}
        )
    service_request = _build(
        actor=None,
        service_type=service_type,
        summary=summary,
        request=request,
        channel=channel,
        customer=customer,
        contact=contact,
        requester_name=requester_name,
        requester_email=requester_email,
        requester_phone=requester_phone,
    )
    with transaction.atomic(savepoint=False):
        service_request.code = _code()
        _customer_owner_keep(service_request)
        return record_create(instance=service_request, actor=None)


@transaction.atomic
def service_request_update(
    *,
    actor: User,
    service_request: ServiceRequest,
    expected_version: int | None = None,
    **fields: Unpack[ServiceRequestFields],
) -> ServiceRequest:
    """Correct a request while it is new or assigned (type, summary, text, channel, and the
    customer and contact — how a supervisor links a request that came in unmatched)."""
    require(actor, rules.CHANGE_SERVICEREQUEST)
    locked = request_locked(actor, service_request)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    status_check(
        locked,
        allowed=(Status.NEW, Status.ASSIGNED),
        message=_("Only new or assigned requests can be edited; this one is %(status)s."),
    )
    version_check(locked, expected_version)
    previous_type_id, previous_customer_id = locked.service_type_id, locked.customer_id
    values: ServiceRequestFields = {
        "service_type": locked.service_type,
        "summary": locked.summary,
        "request": locked.request,
        "channel": locked.channel,
        "customer": locked.customer,
        "contact": locked.contact,
    }
    values.update(fields)
    for name, value in _clean(actor, **values).items():
        setattr(locked, name, value)
    if locked.service_type_id != previous_type_id:
        # The promise follows the type, counted from when the request came in.
        due_times_set(locked)
    if locked.customer_id != previous_customer_id:
        _customer_owner_keep(locked)
    return record_update(instance=locked, actor=actor)


@transaction.atomic
def service_request_delete(
    *, actor: User, service_request: ServiceRequest, expected_version: int | None = None
) -> None:
    """Move a new (not yet assigned) request to the recycle bin; later ones are history."""
    require(actor, rules.DELETE_SERVICEREQUEST)
    locked = request_locked(actor, service_request)
    status_check(
        locked,
        allowed=(Status.NEW,),
        message=_("Only new requests can be deleted; this one is %(status)s."),
    )
    record_soft_delete(instance=locked, actor=actor, expected_version=expected_version)


# -- the flow ----------------------------------------------------------------------------------


@transaction.atomic
def service_request_assign(
    *,
    actor: User,
    service_request: ServiceRequest,
    assignee: User | None,
    expected_version: int | None = None,
) -> ServiceRequest:
    """A supervisor assigns 服务分配 a new request (or reassigns an assigned one) to someone
    of their team; the assignee, time and supervisor are recorded, the assignee notified."""
    require(actor, rules.ASSIGN_SERVICEREQUEST)
    locked = request_locked(actor, service_request)
    status_check(
        locked,
        allowed=(Status.NEW, Status.ASSIGNED),
        message=_("A %(status)s request cannot be assigned any more."),
    )
    version_check(locked, expected_version)
    if assignee is None:
        raise ValidationError({"assigned_to": _("Choose whom to assign the request to.")})
    if not service_assignee_choices(actor=actor).filter(pk=assignee.pk).exists():
        raise ValidationError({"assigned_to": _("You cannot assign requests to this user.")})
    if locked.status == Status.ASSIGNED and locked.assigned_to_id == assignee.pk:
        raise BusinessRuleError(
            {"assigned_to": _("This request is already assigned to %(name)s.") % {"name": assignee}}
        )
    now = timezone.now()
    if locked.status == Status.NEW:
        locked.rounds += 1
        ServiceRound.objects.create(
            request=locked,
            number=locked.rounds,
            assigned_to=assignee,
            assigned_by=actor,
            assigned_at=now,
        )
    else:  # reassigned within the open round, before anyone handled it
        ServiceRound.objects.filter(request=locked, number=locked.rounds).update(
            assigned_to=assignee, assigned_by=actor, assigned_at=now
        )
    locked.status = Status.ASSIGNED
    locked.assigned_to = assignee
    locked.assigned_at = now
    record_update(
        instance=locked,
        actor=actor,
        change_reason=pgettext("service", "Assigned to %(name)s") % {"name": assignee},
    )
    request_notify(
        assignee,
        actor=actor,
        kind=notifications.REQUEST_ASSIGNED,
        params={"code": locked.code, "summary": locked.summary, "supervisor": str(actor)},
        service_request=locked,
    )
    return locked


# -- a customer changing hands takes its open requests along ----------------------------------

MOVING_STATUSES = (Status.ASSIGNED, Status.HANDLED)


def service_requests_follow_customer(
    *, actor: User | None, customer: Customer, previous: User | None, owner: User | None
) -> None:
    """Registered with ``customers.reassign_hooks``: ``customer`` now belongs to ``owner``.

    Every request of the customer carries the new account manager (what scoping reads). The
    open ones its previous owner was assigned (assigned, or handled and waiting for feedback)
    move to the new owner, each audited; for an assigned one the open round moves too, while
    a handled round keeps who handled it. Archived requests stay with whoever did the work,
    and so do requests assigned to someone else.
    """
    new_owner_id = owner.pk if owner is not None else None
    # A derived value like the due times: no version bump, so nobody's open edit conflicts.
    ServiceRequest.all_objects.filter(customer=customer).exclude(
        customer_owner_id=new_owner_id
    ).update(customer_owner_id=new_owner_id)
    if previous is None or owner is None or previous.pk == owner.pk:
        return
    moving = ServiceRequest.objects.select_for_update().filter(
        customer=customer, assigned_to=previous, status__in=MOVING_STATUSES
    )
    now = timezone.now()
    for service_request in moving.order_by("pk"):
        if service_request.status == Status.ASSIGNED:
            ServiceRound.objects.filter(
                request=service_request, number=service_request.rounds
            ).update(assigned_to=owner, assigned_by=actor, assigned_at=now)
            service_request.assigned_at = now
        service_request.assigned_to = owner
        record_update(
            instance=service_request,
            actor=actor,
            change_reason=_("Moved with the customer to %(name)s") % {"name": owner},
        )
