"""Builders for the 360-page tests: interactions, documents, events and comments at set times."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from guanxi.collaboration.models import Comment
from guanxi.customers.models import (
    Customer,
    CustomerEvent,
    Document,
    DocumentVersion,
    Interaction,
)

NOW = timezone.now().replace(microsecond=0)


def ago(**delta) -> datetime.datetime:
    return NOW - datetime.timedelta(**delta)


def interaction(customer, *, when=None, summary="拜访客户", by=None, **extra) -> Interaction:
    return Interaction.objects.create(
        customer=customer,
        occurred_at=when or ago(hours=1),
        summary=summary,
        created_by=by or customer.owner,
        **extra,
    )


def document(customer, *, when=None, title="合同扫描件", interaction=None, versions=1, by=None):
    doc = Document.objects.create(
        customer=customer,
        interaction=interaction,
        title=title,
        category=Document.Category.CONTRACT,
        created_at=when or ago(hours=2),
        created_by=by or customer.owner,
    )
    for number in range(1, versions + 1):
        DocumentVersion.objects.create(
            document=doc,
            number=number,
            file=f"test/{doc.pk}-{number}",  # a stored name only; no file is written
            original_name=f"合同-v{number}.pdf",
            content_type="application/pdf",
            size=2048 * number,
            sha256="0" * 64,
        )
    return doc


def event(customer, *, when=None, kind=CustomerEvent.Kind.CLAIMED, actor=None, text=""):
    return CustomerEvent.objects.create(
        customer=customer, kind=kind, happened_at=when or ago(hours=3), actor=actor, text=text
    )


def comment(customer, *, when=None, body="请尽快跟进", by=None) -> Comment:
    return Comment.objects.create(
        content_type=ContentType.objects.get_for_model(Customer),
        object_id=customer.pk,
        body=body,
        created_at=when or ago(minutes=30),
        created_by=by or customer.owner,
    )
