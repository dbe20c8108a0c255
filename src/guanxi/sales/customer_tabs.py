"""Sales on the customer 360 page beyond the timeline: its next steps (deals expected to close,
payments due, open plan steps) and its tabs (orders, deals, quotes, contracts).

Each reads through the record's own scope, like the sales timeline providers. Imported by
``SalesConfig.ready()``; the customers app only knows its registries.
"""

from decimal import Decimal

from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from guanxi.core.formatting import format_money
from guanxi.core.scoping import scope_queryset
from guanxi.customers import next_steps, related
from guanxi.sales import rules
from guanxi.sales.models import Contract, Deal, Order, PlanItem, Quote, Receivable


def _open_deals(*, actor, customer):
    return (
        scope_queryset(Deal.objects.filter(customer=customer), actor)
        .filter(stage__is_won=False, stage__is_lost=False, expected_close_date__isnull=False)
        .annotate(step_when=F("expected_close_date"), step_title=F("title"))
    )


def _payments_due(*, actor, customer):
    return (
        scope_queryset(Receivable.objects.filter(customer=customer), actor)
        .filter(amount_paid__lt=F("amount_due"))
        .annotate(
            step_when=F("due_date"),
            step_title=Cast(F("amount_due") - F("amount_paid"), output_field=CharField()),
        )
    )


def _plan_steps(*, actor, customer):
    """The customer's opportunities with an open plan step, at their earliest open step."""
    from guanxi.sales.selectors.opportunities import opportunity_list

    open_steps = PlanItem.objects.filter(opportunity=OuterRef("pk"), result="").order_by(
        "date", "pk"
    )
    return (
        opportunity_list(actor=actor)
        .filter(customer=customer)
        .annotate(
            step_when=Subquery(open_steps.values("date")[:1]),
            step_title=Cast(Subquery(open_steps.values("content")[:1]), output_field=CharField()),
        )
        .filter(step_when__isnull=False)
    )


next_steps.register(
    next_steps.NextStepSource(
        kind="deal",
        label=gettext_lazy("Deal expected to close"),
        permission=rules.VIEW_DEAL,
        url_name="sales:deal_detail",
        rows=_open_deals,
    )
)
next_steps.register(
    next_steps.NextStepSource(
        kind="receivable",
        label=gettext_lazy("Payment due"),
        permission=rules.VIEW_RECEIVABLE,
        url_name="sales:receivable_detail",
        rows=_payments_due,
        display=lambda balance: format_money(Decimal(balance)),
    )
)
next_steps.register(
    next_steps.NextStepSource(
        kind="plan_item",
        label=gettext_lazy("Plan step"),
        permission=rules.VIEW_OPPORTUNITY,
        url_name="sales:opportunity_detail",
        rows=_plan_steps,
    )
)


def _list_url(name: str, customer) -> str:
    return f"{reverse(name)}?{urlencode({'customer': customer.pk})}"


def _orders(*, actor, customer, limit):
    orders = scope_queryset(Order.objects.filter(customer=customer), actor)
    return [
        related.RelatedRow(
            title=order.code,
            url=order.get_absolute_url(),
            when=order.order_date,
            status=order.get_status_display(),
            amount=order.total,
        )
        for order in orders.order_by("-order_date", "-pk")[:limit]
    ]


def _deals(*, actor, customer, limit):
    deals = scope_queryset(Deal.objects.filter(customer=customer), actor).select_related("stage")
    return [
        related.RelatedRow(
            title=deal.title,
            url=deal.get_absolute_url(),
            when=deal.expected_close_date,
            status=deal.stage.label,
            amount=deal.amount,
        )
        for deal in deals.order_by("-created_at", "-pk")[:limit]
    ]


def _quotes(*, actor, customer, limit):
    quotes = scope_queryset(Quote.objects.filter(customer=customer), actor)
    return [
        related.RelatedRow(
            title=quote.code,
            url=quote.get_absolute_url(),
            when=quote.created_at,
            status=quote.get_status_display(),
            amount=quote.total,
        )
        for quote in quotes.order_by("-created_at", "-pk")[:limit]
    ]


def _contracts(*, actor, customer, limit):
    contracts = scope_queryset(Contract.objects.filter(customer=customer), actor)
    return [
        related.RelatedRow(
            title=f"{contract.code} {contract.title}",
            url=contract.get_absolute_url(),
            when=contract.created_at,
            status=contract.get_status_display(),
            amount=contract.amount,
        )
        for contract in contracts.order_by("-created_at", "-pk")[:limit]
    ]


related.register(
    related.RelatedTab(
        key="orders",
        label=gettext_lazy("Orders"),
        permission=rules.VIEW_ORDER,
        rows=_orders,
        more_url=lambda customer: _list_url("sales:order_list", customer),
        order=10,
    )
)
related.register(
    related.RelatedTab(
        key="deals", label=gettext_lazy("Deals"), permission=rules.VIEW_DEAL, rows=_deals, order=20
    )
)
related.register(
    related.RelatedTab(
        key="quotes",
        label=gettext_lazy("Quotes"),
        permission=rules.VIEW_QUOTE,
        rows=_quotes,
        order=22,
    )
)
related.register(
    related.RelatedTab(
        key="contracts",
        label=gettext_lazy("Contracts"),
        permission=rules.VIEW_CONTRACT,
        rows=_contracts,
        order=24,
    )
)
