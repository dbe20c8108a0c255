"""Every write on service requests 客户服务: create, edit, assign, handle, feedback, delete.

The flow, enforced here and nowhere else so pages, the API, the intake and jobs all obey it:

- new 新创建 → assigned 已分配: a supervisor (``rules.ASSIGN_SERVICEREQUEST``) assigns it
  服务分配 to someone of their team; reassigning is allowed until it is handled.
- assigned → handled 已处理: only the assignee records the handling 服务处理.
- handled → archived 已归档 or back to assigned: the feedback 服务反馈 (result 处理结果 and
  satisfaction 满意度 1–5) archives it 服务归档 at 3 or more; below 3 it opens the next round
  with the same assignee. Every round keeps its handling and feedback.
- An archived request is read-only; no status is ever written directly.

The first handling is the first response of the SLA; archiving is the resolution. Who may do
what is decided by the predicates of ``guanxi.service.rules``.
"""

from datetime import timedelta
from typing import Any, TypedDict, Unpack, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.collaboration.services.notifications import notification_send
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.rules import require
from guanxi.core.scoping import scope_queryset
from guanxi.core.services.records import code_next, record_create, record_soft_delete, record_update
from guanxi.customers.models import Contact, Customer
from guanxi.service import notifications, rules
from guanxi.service.models import ServiceLevelTarget, ServiceRequest, ServiceRound
from guanxi.service.selectors.requests import service_assignee_choices, service_request_list

Status = ServiceRequest.Status
CODE_PREFIX = "FW"
SATISFIED_FROM = 3  # feedback at or above this archives the request
MAX_TEXT_LENGTH = 8000
# SLA hours (first response, resolution) of a type without a ServiceLevelTarget row.
DEFAULT_TARGET_HOURS = {"consultation": (4, 24), "suggestion": (24, 72), "complaint": (2, 48)}
FALLBACK_TARGET_HOURS = (8, 48)
EDITABLE_FIELDS = ("service_type", "summary", "request", "channel", "customer", "contact")


class ServiceRequestFields(TypedDict, total=False):
    """The editable fields of a request (``EDITABLE_FIELDS``); an update names those it changes."""

    service_type: DictionaryEntry | None
    summary: str
    request: str
    channel: DictionaryEntry | None
    customer: Customer | None
    contact: Contact | None


# A notification's words: rendered in the recipient's language when it is sent.


# -- helpers -----------------------------------------------------------------------------------


def _locked(actor: User, service_request: ServiceRequest) -> ServiceRequest:
    """The request's current row, locked, if the actor sees it (else ``DoesNotExist``, a 404).

    Transitions decide on the locked row, so two people acting at once cannot both assign or
    both record feedback.
    """
    rows = service_request_list(actor=actor).filter(pk=service_request.pk).order_by()
    rows = rows.select_related(None).select_for_update(of=("self",))
    return rows.get()


def _check_version(service_request: ServiceRequest, expected: int | None) -> None:
    if expected is not None and int(expected) != service_request.version:
        raise ConflictError(current_version=service_request.version)


def _refuse(service_request: ServiceRequest, *, allowed: tuple[str, ...], message: str) -> None:
    """Refuse a transition the request's status does not allow, saying what it is now."""
    if service_request.status in allowed:
        return
    if service_request.is_archived:
        message = _("This request is archived and can no longer change.")
    else:
        message = message % {"status": str(service_request.get_status_display()).lower()}
    raise BusinessRuleError({"status": message})


def _text(
    value: str | None, *, field: str, required_message: str, max_length: int = MAX_TEXT_LENGTH
) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: required_message})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Keep this under %(limit)s characters.") % {"limit": max_length}}
        )
    return text


def checked_entry(value: object, *, kind: str, field: str, message: str) -> DictionaryEntry:
    """``value`` if it is a live entry of the dictionary ``kind``; else an error on ``field``
    (``message`` when nothing was chosen)."""
    if value is None:
        raise ValidationError({field: message})
    if not isinstance(value, DictionaryEntry) or value.kind != kind or value.is_deleted:
        raise ValidationError({field: _("Choose a value from the list.")})
    return value


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


def sla_hours(service_type: DictionaryEntry) -> tuple[int, int]:
    """(first response, resolution) hours promised for requests of ``service_type``."""
    target = ServiceLevelTarget.objects.filter(service_type=service_type).first()
    if target is not None:
        return target.first_response_hours, target.resolution_hours
    return DEFAULT_TARGET_HOURS.get(service_type.code, FALLBACK_TARGET_HOURS)


def _set_due_times(service_request: ServiceRequest) -> None:
    response_hours, resolution_hours = sla_hours(service_request.service_type)
    start = service_request.created_at
    service_request.response_due_at = start + timedelta(hours=response_hours)
    service_request.resolution_due_at = start + timedelta(hours=resolution_hours)


def _current_round(service_request: ServiceRequest) -> ServiceRound:
    return service_request.round_set.select_for_update().get(number=service_request.rounds)


def _notify(
    recipient: User | None,
    *,
    actor: User | None,
    kind: str,
    params: dict[str, Any],
    service_request: ServiceRequest,
) -> None:
    if recipient is None or (actor is not None and recipient.pk == actor.pk):
        return
    notification_send(
        recipient=recipient,
        kind=kind,
        params=params,
        url=reverse("service:request_detail", args=[service_request.pk]),
    )


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
    summary = _text(
        summary, field="summary", required_message=_("Summarise the request."), max_length=200
    )
    request = _text(request, field="request", required_message=_("Describe the request."))
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
    service_request = ServiceRequest(
        **fields,
        requester_name=(requester_name or "").strip(),
        requester_email=(requester_email or "").strip(),
        requester_phone=(requester_phone or "").strip(),
        created_at=timezone.now(),
    )
    _set_due_times(service_request)
    return service_request


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
) -> ServiceRequest:
    """Staff file a request for a customer in their scope; it starts as new 新创建."""
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
    locked = _locked(actor, service_request)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    _refuse(
        locked,
        allowed=(Status.NEW, Status.ASSIGNED),
        message=_("Only new or assigned requests can be edited; this one is %(status)s."),
    )
    _check_version(locked, expected_version)
    previous_type_id = locked.service_type_id
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
        _set_due_times(locked)
    return record_update(instance=locked, actor=actor)


@transaction.atomic
def service_request_delete(
    *, actor: User, service_request: ServiceRequest, expected_version: int | None = None
) -> None:
    """Move a new (not yet assigned) request to the recycle bin; later ones are history."""
    require(actor, rules.DELETE_SERVICEREQUEST)
    locked = _locked(actor, service_request)
    _refuse(
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
    locked = _locked(actor, service_request)
    _refuse(
        locked,
        allowed=(Status.NEW, Status.ASSIGNED),
        message=_("A %(status)s request cannot be assigned any more."),
    )
    _check_version(locked, expected_version)
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
        instance=locked, actor=actor, change_reason=_("Assigned to %(name)s") % {"name": assignee}
    )
    _notify(
        assignee,
        actor=actor,
        kind=notifications.REQUEST_ASSIGNED,
        params={"code": locked.code, "summary": locked.summary, "supervisor": str(actor)},
        service_request=locked,
    )
    return locked


@transaction.atomic
def service_request_handle(
    *,
    actor: User,
    service_request: ServiceRequest,
    handling: str,
    expected_version: int | None = None,
) -> ServiceRequest:
    """The assignee records how the request was handled 服务处理; it waits for feedback."""
    require(actor, rules.CHANGE_SERVICEREQUEST)
    locked = _locked(actor, service_request)
    _refuse(
        locked,
        allowed=(Status.ASSIGNED,),
        message=_("Only an assigned request can be handled; this one is %(status)s."),
    )
    require(
        actor,
        rules.is_assignee(actor, locked),
        _("Only %(name)s, to whom this request is assigned, handles it.")
        % {"name": locked.assigned_to},
    )
    _check_version(locked, expected_version)
    handling = _text(handling, field="handling", required_message=_("Describe the handling."))
    now = timezone.now()
    current = _current_round(locked)
    current.handling, current.handled_by, current.handled_at = handling, actor, now
    current.save(update_fields=["handling", "handled_by", "handled_at"])
    locked.status = Status.HANDLED
    locked.handled_at = now
    locked.first_response_at = locked.first_response_at or now
    record_update(instance=locked, actor=actor, change_reason=_("Handled"))
    owner = locked.customer.owner if locked.customer is not None else None
    for recipient in {locked.created_by, owner}:
        _notify(
            recipient,
            actor=actor,
            kind=notifications.REQUEST_HANDLED,
            params={"code": locked.code},
            service_request=locked,
        )
    return locked


@transaction.atomic
def service_request_feedback(
    *,
    actor: User | None,
    service_request: ServiceRequest,
    result: str,
    satisfaction: int | str,
    expected_version: int | None = None,
    source: str = ServiceRound.FeedbackSource.STAFF,
) -> ServiceRequest:
    """Record the feedback 服务反馈 of the handled round: satisfaction of 3 or more archives
    the request 服务归档; below 3 sends it back to its assignee for another round.

    ``actor`` is ``None`` when the customer answered a satisfaction survey themselves.
    """
    if actor is not None:
        require(actor, rules.CHANGE_SERVICEREQUEST)
        locked = _locked(actor, service_request)
    else:
        locked = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    _refuse(
        locked,
        allowed=(Status.HANDLED,),
        message=_("Feedback comes after the handling; this request is %(status)s."),
    )
    _check_version(locked, expected_version)
    result = _text(result, field="result", required_message=_("Describe the result."))
    score = _satisfaction(satisfaction)
    now = timezone.now()
    current = _current_round(locked)
    current.result, current.satisfaction = result, score
    current.feedback_by, current.feedback_at, current.feedback_source = actor, now, source
    current.save(
        update_fields=["result", "satisfaction", "feedback_by", "feedback_at", "feedback_source"]
    )
    locked.result, locked.satisfaction = result, score
    if score >= SATISFIED_FROM:
        locked.status = Status.ARCHIVED
        locked.archived_at = now
        reason = _("Feedback %(score)s: archived") % {"score": score}
    else:
        assignee = cast(User, locked.assigned_to)  # handled, so it was assigned
        locked.status = Status.ASSIGNED
        locked.rounds += 1
        ServiceRound.objects.create(
            request=locked,
            number=locked.rounds,
            assigned_to=assignee,
            assigned_by=None,
            assigned_at=now,
        )
        reason = _("Feedback %(score)s: back to the assignee") % {"score": score}
        _notify(
            assignee,
            actor=actor,
            kind=notifications.REQUEST_RETURNED,
            params={"code": locked.code, "score": score},
            service_request=locked,
        )
    # The customer's own satisfaction 满意度 is what a user entered; what the feedback says is
    # computed where it is shown (``service.timeline.service_figures``), never written over it.
    record_update(instance=locked, actor=actor, change_reason=reason)
    return locked


def _satisfaction(value: object) -> int:
    try:
        score: int = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        score = 0
    if str(value).strip() != str(score) or not 1 <= score <= 5:
        raise ValidationError({"satisfaction": _("Satisfaction is a whole number from 1 to 5.")})
    return score
