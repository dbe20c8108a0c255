"""Reads of interactions 交往记录 and documents 文档, always within the acting user's scope.

Both belong to users through their customer's owner (``scope_fields``); a customer in the
recycle bin takes its interactions and documents out of every list with it.
"""

from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from guanxi.accounts.models import User
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Contact, Customer, Document, DocumentVersion, Interaction

INTERACTION_ORDERING = ("-occurred_at", "-id")
DOCUMENT_ORDERING = ("-created_at", "-id")


def _live_attachments() -> "Prefetch[Any]":
    return Prefetch(
        "attachments",
        queryset=Document.objects.order_by("created_at", "id").prefetch_related(
            Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number"))
        ),
        to_attr="live_attachments",
    )


def interaction_list(
    *,
    actor: User,
    customer: Customer | None = None,
    contact: Contact | None = None,
    kind: str = "",
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
) -> QuerySet[Interaction]:
    """Interactions the actor sees, newest first, each with ``attachment_count``.

    ``occurred_from`` / ``occurred_to`` are aware datetimes (inclusive from, exclusive to).
    """
    interactions: QuerySet[Interaction] = scope_queryset(
        Interaction.objects.filter(customer__deleted_at__isnull=True), actor
    ).select_related("customer", "contact", "created_by")
    if customer is not None:
        interactions = interactions.filter(customer=customer)
    if contact is not None:
        interactions = interactions.filter(contact=contact)
    if kind:
        interactions = interactions.filter(kind=kind)
    if occurred_from is not None:
        interactions = interactions.filter(occurred_at__gte=occurred_from)
    if occurred_to is not None:
        interactions = interactions.filter(occurred_at__lt=occurred_to)
    return interactions.annotate(
        attachment_count=Count("attachments", filter=Q(attachments__deleted_at__isnull=True))
    ).order_by(*INTERACTION_ORDERING)


def interaction_get(*, actor: User, pk: Any) -> Interaction:
    """The interaction with its live attachments (``live_attachments``); DoesNotExist = 404."""
    interaction: Interaction = (
        scope_queryset(Interaction.objects.filter(customer__deleted_at__isnull=True), actor)
        .select_related("customer", "contact", "created_by", "on_behalf_of", "updated_by")
        .prefetch_related(_live_attachments())
        .get(pk=pk)
    )
    return interaction


def interaction_list_with_attachments(**kwargs: Any) -> QuerySet[Interaction]:
    """:func:`interaction_list` with each row's attachments and their versions prefetched."""
    return interaction_list(**kwargs).prefetch_related(_live_attachments())


def document_list(
    *,
    actor: User,
    customer: Customer | None = None,
    category: str = "",
    interaction: Interaction | None = None,
) -> QuerySet[Document]:
    """Documents the actor sees, newest first, with their versions (newest first) prefetched."""
    documents: QuerySet[Document] = scope_queryset(
        Document.objects.filter(customer__deleted_at__isnull=True), actor
    ).select_related("customer", "interaction", "created_by")
    if customer is not None:
        documents = documents.filter(customer=customer)
    if category:
        documents = documents.filter(category=category)
    if interaction is not None:
        documents = documents.filter(interaction=interaction)
    return documents.prefetch_related(
        Prefetch(
            "versions",
            queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
        )
    ).order_by(*DOCUMENT_ORDERING)


def document_get(*, actor: User, pk: Any) -> Document:
    """The document (versions prefetched, newest first); DoesNotExist outside the scope."""
    return document_list(actor=actor).get(pk=pk)


def document_version_get(
    *, actor: User, pk: Any, document: Document | None = None
) -> DocumentVersion:
    """A stored version whose document the actor sees; DoesNotExist otherwise (a 404)."""
    visible = scope_queryset(
        Document.objects.filter(customer__deleted_at__isnull=True), actor
    ).values("pk")
    versions: QuerySet[DocumentVersion] = DocumentVersion.objects.select_related("document").filter(
        document__in=visible
    )
    if document is not None:
        versions = versions.filter(document=document)
    return versions.get(pk=pk)
