"""Hand-made data for the report tests: orders, requests and churn cases written directly, so
each test states exactly which rows exist and computes the expected numbers itself."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from guanxi.analytics.framework import get_report
from guanxi.core.models import DictionaryEntry
from guanxi.customers.models import ChurnCase
from guanxi.sales.models import Order, OrderLine
from guanxi.service.models import ServiceRequest

D = datetime.date
_codes = itertools.count(1)


def entry(kind: str, code: str) -> DictionaryEntry:
    return DictionaryEntry.objects.get(kind=kind, code=code)


def moment(day: datetime.date, hour: int = 12) -> datetime.datetime:
    """Noon (by default) of ``day`` in the local time zone."""
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def order(customer, day, total, *, status="confirmed", owner=None, lines=()) -> Order:
    """An order of ``customer`` on ``day`` for ``total``; ``lines``: (product, amount) pairs."""
    made = Order.objects.create(
        code=f"RPT{next(_codes)}",
        customer=customer,
        owner=owner or customer.owner,
        order_date=day,
        status=status,
        total=Decimal(total),
    )
    for position, (product, amount) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=made,
            position=position,
            product=product,
            quantity=1,
            unit_price=Decimal(amount),
            amount=Decimal(amount),
        )
    if lines:  # what services_orders.set_line_figures keeps (the total stays as given)
        Order.objects.filter(pk=made.pk).update(line_count=len(lines), item_quantity=len(lines))
    return made


def request(customer, day, *, kind="complaint", channel="phone", status="new", **fields):
    return ServiceRequest.objects.create(
        code=f"FW{next(_codes)}",
        service_type=entry("service_type", kind),
        channel=entry("channel", channel),
        summary="测试",
        request="测试",
        customer=customer,
        status=status,
        created_at=moment(day),
        **fields,
    )


def churned(customer, day, reason="price", *, state="confirmed") -> ChurnCase:
    return ChurnCase.objects.create(
        customer=customer,
        owner=customer.owner,
        state=state,
        warned_at=moment(day) - datetime.timedelta(days=30),
        closed_at=moment(day),
        reason=entry("churn_reason", reason) if reason else None,
        last_order_at=moment(day) - datetime.timedelta(days=200),
    )


def run(slug: str, user, **params) -> dict:
    """The report's numbers for ``user`` with the filters given as query-string values."""
    report = get_report(slug)
    form = report.form_class({k: str(v) for k, v in params.items()}, actor=user)
    assert form.is_valid(), form.errors
    return report.run(user, form.params())


def column(rows: list[dict], key: str) -> list:
    return [row[key] for row in rows]


def pct(part, whole) -> Decimal | None:
    """The expected percentage, computed independently of the report code."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))
