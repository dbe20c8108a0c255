"""Every write on interactions 交往记录: log one (with attachments), edit it, delete it.

Logging an interaction is a follow-up: the customer's ``last_follow_up_at`` moves forward to it
and a pending recall notice is cleared, which is what keeps the customer out of the pool
recall (customers/pool). Those two columns are bookkeeping, not an edit of the customer, so
they are written with a plain UPDATE: the customer's version and history stay as they were.
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.imports.bulk import history_fields, history_write, values_update
from guanxi.core.rules import require
from guanxi.core.services.records import (
    record_bulk_update,
    record_create,
    record_soft_delete,
    record_update,
    system_reason,
)
from guanxi.customers import rules
from guanxi.customers.models import Contact, Customer, Document, Interaction
from guanxi.customers.services.documents import attachments_create, stored_files_guard

INTERACTION_EDITABLE_FIELDS = (
    "contact",
    "kind",
    "occurred_at",
    "place",
    "summary",
    "details",
    "external_ref",
)


class InteractionFields(TypedDict, total=False):
    """The editable fields of an interaction (``INTERACTION_EDITABLE_FIELDS``)."""

    contact: Contact | None
    kind: str
    occurred_at: datetime
    place: str
    summary: str
    details: str
    external_ref: str | None


# Clocks of phones and PCs drift; a few minutes ahead is still "now".
FUTURE_TOLERANCE = timedelta(minutes=5)
# Older dates are typing errors (and before 1901 time zones had no standard offsets).
EARLIEST_DATE = datetime(1970, 1, 1, tzinfo=UTC)
FOLLOW_UP_RECORDED = system_reason(
    "customers.follow_up_recorded", gettext_lazy("Last follow-up taken from an interaction")
)


def interaction_fields_clean(customer: Customer, given: Mapping[str, Any]) -> dict[str, Any]:
    """``given`` as stored for an interaction with ``customer``; ValidationError if refused."""
    fields = dict(given)
    unknown = set(fields) - set(INTERACTION_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    contact = fields.get("contact")
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": _("This contact belongs to another customer.")})
    occurred_at = fields.get("occurred_at")
    if occurred_at is not None and occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(
            {"occurred_at": _("The date is in the future: log an interaction once it happened.")}
        )
    if occurred_at is not None and occurred_at < EARLIEST_DATE:
        raise ValidationError({"occurred_at": _("Enter a date from 1970 on.")})
    for name in ("place", "summary", "details"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    return fields


def customer_follow_up_record(*, customer: Customer, occurred_at: datetime) -> None:
    """Move ``last_follow_up_at`` forward to ``occurred_at`` (never back); clear recall notice.

    One conditional UPDATE, so two interactions logged at once keep the later date; the
    history names the system, since nobody edited the customer.
    """
    later = Q(last_follow_up_at__isnull=True) | Q(last_follow_up_at__lt=occurred_at)
    record_bulk_update(
        # Only a row that changes gets a history entry.
        queryset=Customer.all_objects.filter(
            later | Q(recall_notice_at__isnull=False), pk=customer.pk
        ),
        values={
            "last_follow_up_at": Case(
                When(later, then=Value(occurred_at)), default=F("last_follow_up_at")
            ),
            "recall_notice_at": None,
        },
        reason=FOLLOW_UP_RECORDED,
    )
    # Keep the caller's object in step with the row.
    if customer.last_follow_up_at is None or customer.last_follow_up_at < occurred_at:
        customer.last_follow_up_at = occurred_at
    customer.recall_notice_at = None


def customers_follow_up_record(*, latest: Mapping[int, datetime]) -> None:
    """:func:`customer_follow_up_record` for many customers at once (an import's batch):
    ``latest`` maps a customer's id to the date of its latest new interaction. The rows are
    locked and read, those that change are updated in one statement, and each gets its
    history row by the system, written in bulk."""
    if not latest:
        return
    changed: dict[int, tuple[datetime | None, None]] = {}
    for pk, last, notice in (
        Customer.all_objects.select_for_update()
        .filter(pk__in=list(latest))
        .values_list("pk", "last_follow_up_at", "recall_notice_at")
    ):
        later = last is None or last < latest[pk]
        if later or notice is not None:
            changed[pk] = (latest[pk] if later else last, None)
    if not changed:
        return
    values_update(Customer, ["last_follow_up_at", "recall_notice_at"], changed)
    history_write(
        Customer,
        Customer.all_objects.filter(pk__in=list(changed)).values(*history_fields(Customer)),
        kind="~",
        actor=None,
        reason=FOLLOW_UP_RECORDED,
    )


def interaction_create(
    *,
    actor: User,
    customer: Customer,
    attachments: Iterable[UploadedFile] = (),
    **given: Unpack[InteractionFields],
) -> Interaction:
    """Log an interaction with ``customer``; ``attachments`` are uploaded files stored with it.

    All files are checked before anything is written; one refused file refuses the whole entry.
    """
    require(actor, rules.ADD_INTERACTION)
    fields = interaction_fields_clean(customer, given)
    with stored_files_guard(), transaction.atomic():
        interaction = Interaction(customer=customer, **fields)
        owner = customer.owner
        record_create(
            instance=interaction,
            actor=actor,
            on_behalf_of=owner if owner is not None and owner != actor else None,
        )
        attachments_create(actor=actor, interaction=interaction, files=attachments)
        customer_follow_up_record(customer=customer, occurred_at=interaction.occurred_at)
    return interaction


def interaction_update(
    *,
    actor: User,
    interaction: Interaction,
    expected_version: int | None = None,
    attachments: Iterable[UploadedFile] = (),
    **given: Unpack[InteractionFields],
) -> Interaction:
    """Edit an interaction; new ``attachments`` are added beside the existing ones.

    A later date also moves the customer's last follow-up forward; an earlier one leaves it,
    since other interactions may have set it.
    """
    require(actor, rules.CHANGE_INTERACTION)
    fields = interaction_fields_clean(interaction.customer, given)
    with stored_files_guard(), transaction.atomic():
        for name, value in fields.items():
            setattr(interaction, name, value)
        record_update(instance=interaction, actor=actor, expected_version=expected_version)
        attachments_create(actor=actor, interaction=interaction, files=attachments)
        if "occurred_at" in fields:
            customer_follow_up_record(
                customer=interaction.customer, occurred_at=interaction.occurred_at
            )
    return interaction


@transaction.atomic
def interaction_delete(
    *, actor: User, interaction: Interaction, expected_version: int | None = None
) -> None:
    """Move the interaction and its attachments to the recycle bin.

    The customer's last follow-up date stays: it records that a follow-up was logged, and the
    recall rules must not be rewound by tidying up an entry.
    """
    require(actor, rules.DELETE_INTERACTION)
    record_soft_delete(instance=interaction, actor=actor, expected_version=expected_version)
    for document in Document.objects.filter(interaction=interaction):
        record_soft_delete(instance=document, actor=actor)
