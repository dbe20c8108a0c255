"""Orders on the customer 360 page: a timeline provider and the order key figures.

Imported by ``SalesConfig.ready()``; the customers app only knows its registries.
"""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.customers import key_figures
from guanxi.customers import timeline as customer_timeline
from guanxi.sales.models import Order
from guanxi.sales.selectors_orders import customer_order_figures


def money(value) -> str:
    """An amount as shown to users: ¥1,234.50."""
    return "¥" + formats.number_format(value, 2, use_l10n=True, force_grouping=True)


@customer_timeline.register
class OrderProvider(customer_timeline.QuerysetProvider):
    """Every order of the customer (all of them, whoever took it), at the time it was entered."""

    kind = "order"
    label = gettext_lazy("Orders")
    permission = "sales.view_order"
    time_field = "created_at"

    def queryset(self, *, actor, customer):
        return Order.objects.filter(customer=customer).select_related(
            "owner", "created_by", "credit_override_by"
        )

    def entry(self, row, *, actor):
        text = _("%(date)s · %(total)s · %(owner)s") % {
            "date": formats.date_format(row.order_date, "Y-m-d"),
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
            icon="🧾",
            subtype=row.status,
            label=row.get_status_display(),
            record=row,
        )


@key_figures.register
def order_figures(*, actor, customer) -> list[key_figures.KeyFigure]:
    """Number of orders and lifetime revenue 累计销售额 (cancelled orders do not count)."""
    if not actor.has_perm("sales.view_order"):
        return []
    facts = customer_order_figures(customer=customer)
    return [
        key_figures.KeyFigure("orders", _("Orders"), facts["orders"], str(facts["orders"])),
        key_figures.KeyFigure(
            "lifetime_revenue", _("Lifetime revenue"), facts["revenue"], money(facts["revenue"])
        ),
    ]
