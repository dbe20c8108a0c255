"""Sales on the customer 360 page: timeline providers and key figures.

Orders, deals 商机, quotes 报价, contracts 合同 and receivables 应收款 (with their payments 回款)
join the customer's timeline, each entry linking to its page; the key figures add the number of
orders, lifetime revenue, the open pipeline and the outstanding receivables. Every provider reads
through the record's own scope (a deal is its owner's; a quote, contract or receivable follows the
customer's owner), with one bounded query each (plus one prefetch for the payments), so the page
costs the same whatever the customer holds.

Imported by ``SalesConfig.ready()``; the customers app only knows its registries.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.formatting import format_date, format_money
from guanxi.core.scoping import scope_queryset
from guanxi.customers import key_figures
from guanxi.customers import timeline as customer_timeline
from guanxi.sales import rules
from guanxi.sales.models import Contract, Deal, Order, Payment, Quote, Receivable
from guanxi.sales.selectors.customer_figures import (
    amount,
    order_facts,
    pipeline_facts,
    receivable_facts,
    weighted_amount,
)


def money(value) -> str:
    """An amount as shown to users: ¥1,234.50."""
    return format_money(value)


@customer_timeline.register
class OrderProvider(customer_timeline.QuerysetProvider):
    """Every order of the customer (all of them, whoever took it), at the time it was entered."""

    kind = "order"
    label = gettext_lazy("Orders")
    permission = rules.VIEW_ORDER
    time_field = "created_at"
    model = Order
    load_fields = (
        "created_at",
        "code",
        "order_date",
        "total",
        "status",
        "owner",
        "created_by",
        "credit_override_at",
        "credit_override_reason",
        "credit_override_by",
    )
    load_related = {
        "owner": customer_timeline.USER_NAME,
        "created_by": customer_timeline.USER_NAME,
        "credit_override_by": customer_timeline.USER_NAME,
    }

    def queryset(self, *, actor, customer):
        return Order.objects.filter(customer=customer).select_related(
            "owner", "created_by", "credit_override_by"
        )

    def entry(self, row, *, actor):
        text = _("%(date)s · %(total)s · %(owner)s") % {
            "date": _date(row.order_date),
            "total": money(row.total),
            "owner": row.owner,
        }
        if row.credit_overridden:
            text += "\n" + _("Credit hold overridden by %(who)s: %(reason)s") % {
                "who": row.credit_override_by or "—",
                "reason": row.credit_override_reason,
            }
        return customer_timeline.TimelineEntry(
            kind=self.kind,
            pk=row.pk,
            when=row.created_at,
            title=_("Order %(code)s") % {"code": row.code},
            actor=row.created_by,
            text=text,
            url=customer_timeline.safe_url("sales:order_detail", row.pk),
            icon="receipt",
            subtype=row.status,
            label=row.get_status_display(),
            record=row,
        )


def _order_facts(*, actor) -> dict:
    return order_facts() if actor.has_perm(rules.VIEW_ORDER) else {}


def order_figures(*, actor, customer, facts) -> list[key_figures.KeyFigure]:
    """Number of orders and lifetime revenue 累计销售额 (cancelled orders do not count)."""
    count, revenue = facts["orders_count"], amount(facts["orders_revenue"])
    return [
        key_figures.KeyFigure("orders", _("Orders"), count, str(count)),
        key_figures.KeyFigure("lifetime_revenue", _("Lifetime revenue"), revenue, money(revenue)),
    ]


key_figures.register(key_figures.FigureSource(facts=_order_facts, figures=order_figures))


def _date(value) -> str:
    return format_date(value) if value else key_figures.NONE


def _scoped(queryset, actor):
    """``queryset`` cut to what ``actor`` may open (each entry links to its page)."""
    return scope_queryset(queryset, actor)


@customer_timeline.register
class DealProvider(customer_timeline.QuerysetProvider):
    """The customer's deals 商机 the reader sees (a deal is its owner's), when entered."""

    kind = "deal"
    label = gettext_lazy("Deals")
    permission = rules.VIEW_DEAL
    model = Deal
    load_fields = (
        "created_at",
        "title",
        "amount",
        "probability",
        "expected_close_date",
        "owner",
        "created_by",
        "stage",
        "lost_reason",
    )
    load_related = {
        "owner": customer_timeline.USER_NAME,
        "created_by": customer_timeline.USER_NAME,
        "stage": ("name_zh", "name_en", "is_won", "is_lost"),
        "lost_reason": ("name_zh", "name_en"),
    }

    def queryset(self, *, actor, customer):
        rows = Deal.objects.filter(customer=customer).select_related(
            "owner", "created_by", "stage", "lost_reason"
        )
        return _scoped(rows, actor)

    def entry(self, row, *, actor):
        text = _("%(amount)s · %(probability)s%% · expected close %(date)s · %(owner)s") % {
            "amount": money(row.amount),
            "probability": row.probability,
            "date": _date(row.expected_close_date),
            "owner": row.owner,
        }
        if row.lost_reason_id:
            text += "\n" + _("Lost reason: %(reason)s") % {"reason": row.lost_reason}
        return customer_timeline.TimelineEntry(
            kind=self.kind,
            pk=row.pk,
            when=row.created_at,
            title=_("Deal: %(title)s") % {"title": row.title},
            actor=row.created_by,
            text=text,
            url=customer_timeline.safe_url("sales:deal_detail", row.pk),
            icon="trend",
            subtype="won" if row.stage.is_won else "lost" if row.stage.is_lost else "open",
            label=row.stage.label,
            record=row,
        )


def _order_link(row) -> tuple:
    """The link to the order a quote became or a contract was made for, if any."""
    if not row.order_id:
        return ()
    return (
        customer_timeline.TimelineLink(
            _("Order %(code)s") % {"code": row.order.code},
            customer_timeline.safe_url("sales:order_detail", row.order_id),
        ),
    )


@customer_timeline.register
class QuoteProvider(customer_timeline.QuerysetProvider):
    """The customer's quotes 报价, when entered."""

    kind = "quote"
    label = gettext_lazy("Quotes")
    permission = rules.VIEW_QUOTE
    model = Quote
    load_fields = (
        "created_at",
        "code",
        "quote_date",
        "total",
        "valid_until",
        "status",
        "owner",
        "created_by",
        "order",
    )
    load_related = {
        "owner": customer_timeline.USER_NAME,
        "created_by": customer_timeline.USER_NAME,
        "order": ("code",),
    }

    def queryset(self, *, actor, customer):
        rows = Quote.objects.filter(customer=customer).select_related(
            "owner", "created_by", "order"
        )
        return _scoped(rows, actor)

    def entry(self, row, *, actor):
        text = _("%(date)s · %(total)s · valid until %(until)s · %(owner)s") % {
            "date": _date(row.quote_date),
            "total": money(row.total),
            "until": _date(row.valid_until),
            "owner": row.owner,
        }
        return customer_timeline.TimelineEntry(
            kind=self.kind,
            pk=row.pk,
            when=row.created_at,
            title=_("Quote %(code)s") % {"code": row.code},
            actor=row.created_by,
            text=text,
            url=customer_timeline.safe_url("sales:quote_detail", row.pk),
            icon="file-text",
            subtype=row.status,
            label=row.get_status_display(),
            links=_order_link(row),
            record=row,
        )


@customer_timeline.register
class ContractProvider(customer_timeline.QuerysetProvider):
    """The customer's contracts 合同, when entered."""

    kind = "contract"
    label = gettext_lazy("Contracts")
    permission = rules.VIEW_CONTRACT
    model = Contract
    load_fields = (
        "created_at",
        "code",
        "title",
        "amount",
        "signed_on",
        "starts_on",
        "ends_on",
        "status",
        "owner",
        "created_by",
        "order",
    )
    load_related = {
        "owner": customer_timeline.USER_NAME,
        "created_by": customer_timeline.USER_NAME,
        "order": ("code",),
    }

    def queryset(self, *, actor, customer):
        rows = Contract.objects.filter(customer=customer).select_related(
            "owner", "created_by", "order"
        )
        return _scoped(rows, actor)

    def entry(self, row, *, actor):
        text = _("%(amount)s · signed %(signed)s · %(start)s – %(end)s · %(owner)s") % {
            "amount": money(row.amount),
            "signed": _date(row.signed_on),
            "start": _date(row.starts_on),
            "end": _date(row.ends_on),
            "owner": row.owner,
        }
        return customer_timeline.TimelineEntry(
            kind=self.kind,
            pk=row.pk,
            when=row.created_at,
            title=_("Contract %(code)s: %(title)s") % {"code": row.code, "title": row.title},
            actor=row.created_by,
            text=text,
            url=customer_timeline.safe_url("sales:contract_detail", row.pk),
            icon="contract",
            subtype=row.status,
            label=row.get_status_display(),
            links=_order_link(row),
            record=row,
        )


@customer_timeline.register
class ReceivableProvider(customer_timeline.QuerysetProvider):
    """The customer's receivables 应收款, each with its payments 回款 (one prefetch per page)."""

    kind = "receivable"
    label = gettext_lazy("Receivables")
    permission = rules.VIEW_RECEIVABLE
    model = Receivable
    load_fields = (
        "created_at",
        "amount_due",
        "amount_paid",
        "due_date",
        "owner",
        "created_by",
        "order",
        "contract",
    )
    load_related = {
        "owner": customer_timeline.USER_NAME,
        "created_by": customer_timeline.USER_NAME,
        "order": ("code",),
        "contract": ("code",),
    }

    def complete(self, rows, *, actor):
        paid = [row.pk for row in rows if row.amount_paid]
        payments: dict[int, list] = {}
        if paid:
            for payment in Payment.objects.filter(receivable__in=paid).order_by("paid_on", "id"):
                payments.setdefault(payment.receivable_id, []).append(payment)
        for row in rows:
            row.timeline_payments = payments.get(row.pk, [])

    def queryset(self, *, actor, customer):
        payments = Payment.objects.order_by("paid_on", "id")
        rows = (
            Receivable.objects.filter(customer=customer)
            .select_related("owner", "created_by", "order", "contract")
            .prefetch_related(Prefetch("payments", queryset=payments, to_attr="timeline_payments"))
        )
        return _scoped(rows, actor)

    def entry(self, row, *, actor):
        text = _("Due %(due)s on %(date)s · paid %(paid)s · balance %(balance)s") % {
            "due": money(row.amount_due),
            "date": _date(row.due_date),
            "paid": money(row.amount_paid),
            "balance": money(row.balance),
        }
        overdue = row.balance > 0 and row.due_date < timezone.localdate()
        if overdue:
            text += "\n" + _("Overdue")
        links = tuple(
            customer_timeline.TimelineLink(
                _("Payment %(amount)s on %(date)s")
                % {"amount": money(payment.amount), "date": _date(payment.paid_on)},
                "",
                payment.get_method_display(),
            )
            for payment in row.timeline_payments
        )
        return customer_timeline.TimelineEntry(
            kind=self.kind,
            pk=row.pk,
            when=row.created_at,
            title=_("Receivable %(source)s") % {"source": row.source_code},
            actor=row.created_by,
            text=text,
            url=customer_timeline.safe_url("sales:receivable_detail", row.pk),
            icon="money",
            subtype="overdue" if overdue else row.status,
            label=_("Overdue") if overdue else row.get_status_display(),
            links=links,
            record=row,
        )


def _pipeline_facts(*, actor) -> dict:
    return pipeline_facts(actor=actor) if actor.has_perm(rules.VIEW_DEAL) else {}


def pipeline_figures(*, actor, customer, facts) -> list[key_figures.KeyFigure]:
    """Open pipeline 在谈商机: the open deals the reader sees, their amount and weighted amount."""
    facts = {
        "open_deals": facts["pipeline_open_deals"],
        "open_amount": amount(facts["pipeline_open_amount"]),
        "weighted_amount": weighted_amount(facts["pipeline_weighted"]),
    }
    return [
        key_figures.KeyFigure(
            "open_deals", _("Open deals"), facts["open_deals"], str(facts["open_deals"])
        ),
        key_figures.KeyFigure(
            "open_pipeline", _("Open pipeline"), facts["open_amount"], money(facts["open_amount"])
        ),
        key_figures.KeyFigure(
            "weighted_pipeline",
            _("Weighted pipeline"),
            facts["weighted_amount"],
            money(facts["weighted_amount"]),
        ),
    ]


key_figures.register(key_figures.FigureSource(facts=_pipeline_facts, figures=pipeline_figures))


def _receivable_facts(*, actor) -> dict:
    return receivable_facts(actor=actor) if actor.has_perm(rules.VIEW_RECEIVABLE) else {}


def receivable_figures(*, actor, customer, facts) -> list[key_figures.KeyFigure]:
    """Outstanding receivables 未收款 and how much of it is overdue (highlighted)."""
    facts = {
        "outstanding": amount(facts["receivables_outstanding"]),
        "overdue": amount(facts["receivables_overdue"]),
    }
    return [
        key_figures.KeyFigure(
            "outstanding_receivables",
            _("Outstanding receivables"),
            facts["outstanding"],
            money(facts["outstanding"]),
        ),
        key_figures.KeyFigure(
            "overdue_receivables",
            _("Overdue receivables"),
            facts["overdue"],
            money(facts["overdue"]),
            "warning" if facts["overdue"] > 0 else "",
        ),
    ]


key_figures.register(key_figures.FigureSource(facts=_receivable_facts, figures=receivable_figures))
