"""Product associations 关联规则: the stored rules "bought X → also bought Y" with their support,
confidence, lift and the orders holding both.

The rules are mined nightly from every revenue order's lines (``services.associations``) and
are company-wide figures about products, the same for every reader; the page shows when they
were computed. Filters: a product category (either side of the rule), a minimum lift, one
product bought. Two queries: the rows (with both products' names) and the count.
"""

from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import charts
from guanxi.analytics.forms.reports import ReportFilterForm, limit_field
from guanxi.analytics.framework import (
    ID,
    INTEGER,
    NUMBER,
    PERCENT,
    Column,
    ReportData,
    ReportDefinition,
    ReportParams,
    TableSpec,
    register,
)
from guanxi.analytics.selectors.recommendations import (
    association_list,
    associations_as_of,
    category_condition,
)
from guanxi.core.forms.pickers import PickerField
from guanxi.sales.models import ProductCategory
from guanxi.sales.selectors.products import product_list

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class ProductAssociationsForm(ReportFilterForm):
    default_preset = None
    drop = ("preset", "date_from", "date_to", "owner", "team", "region", "level")

    category = forms.ModelChoiceField(
        label=_("Product category"),
        required=False,
        queryset=ProductCategory.objects.order_by("sort_order", "name", "id"),
        empty_label=_("All"),
    )
    product = PickerField("product", label=_("Bought"), required=False)
    min_lift = forms.DecimalField(
        label=_("Minimum lift"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        max_digits=10,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "0.1", "placeholder": "1.2"}),
    )
    limit = limit_field(default=100, maximum=1000)
    api_help = {
        "category": "Id of a product category: rules with a product of it on either side.",
        "product": "Id of a product: only the rules from it (customers who bought it).",
        "min_lift": "Only rules with at least this lift (e.g. 1.5).",
        "limit": "How many rules, strongest lift first (1–1000, default 100).",
    }

    def __init__(self, data=None, *, actor, **kwargs):
        super().__init__(data, actor=actor, **kwargs)
        # Rules of products no longer sold are listed too: any product of the catalogue.
        picker = cast(PickerField, self.fields["product"])
        picker.bind(actor, queryset=product_list(actor=actor))


RULES = TableSpec(
    "rules",
    _("Association rules"),
    (
        Column("antecedent", _("Bought product id"), ID),
        Column("antecedent_name", _("Bought")),
        Column("consequent", _("Also bought product id"), ID),
        Column("consequent_name", _("Also bought")),
        Column(
            "support",
            _("Support (%)"),
            PERCENT,
            help="Share of all orders holding both products, in percent.",
        ),
        Column(
            "confidence",
            _("Confidence (%)"),
            PERCENT,
            help="Share of the orders with the first product also holding the second, in percent.",
        ),
        Column(
            "lift",
            _("Lift"),
            NUMBER,
            help=(
                "Confidence ÷ the second product's share of all orders; above 1 they sell "
                "better together."
            ),
        ),
        Column("baskets", _("Orders with both"), INTEGER),
    ),
    hidden=("antecedent", "consequent"),
)
SUMMARY = (Column("rules", _("Rules"), INTEGER),)


def _percent(ratio: Decimal) -> Decimal:
    return (ratio * HUNDRED).quantize(CENT)


def compute(actor: User, params: ReportParams) -> ReportData:
    found = association_list(actor=actor)
    if params.get("category") is not None:
        found = found.filter(category_condition(params["category"]))
    if params.get("product") is not None:
        found = found.filter(antecedent=params["product"])
    if params.get("min_lift") is not None:
        found = found.filter(lift__gte=params["min_lift"])
    total = found.count()
    listed = found.order_by("-lift", "-confidence", "antecedent_id", "consequent_id").values_list(
        "antecedent_id",
        "antecedent__name",
        "antecedent__model_no",
        "consequent_id",
        "consequent__name",
        "consequent__model_no",
        "support",
        "confidence",
        "lift",
        "baskets",
    )[: params.get("limit") or 100]
    rows = [
        {
            "antecedent": row[0],
            "antecedent_name": f"{row[1]} {row[2]}".strip(),
            "consequent": row[3],
            "consequent_name": f"{row[4]} {row[5]}".strip(),
            "support": _percent(row[6]),
            "confidence": _percent(row[7]),
            "lift": row[8].quantize(CENT),
            "baskets": row[9],
        }
        for row in listed
    ]
    result: ReportData = {
        "date_from": None,
        "date_to": None,
        "summary": {"rules": total},
        "rules": rows,
    }
    as_of = associations_as_of()
    if as_of is not None:
        result["as_of"] = as_of
    return result


def chart(data: ReportData) -> charts.go.Figure:
    """Each rule a point: confidence across, lift up, the point's size the orders with both."""
    rows = data["rules"]
    largest = max((row["baskets"] for row in rows), default=1) or 1
    return charts.figure(
        charts.go.Scatter(
            x=charts.numbers(row["confidence"] for row in rows),
            y=charts.numbers(row["lift"] for row in rows),
            mode="markers",
            text=[f"{row['antecedent_name']} → {row['consequent_name']}" for row in rows],
            hovertemplate="%{text}<br>%{x}% · %{y}<extra></extra>",
            marker={"size": [8 + 22 * row["baskets"] / largest for row in rows]},
            name=str(_("Association rules")),
        ),
        xaxis={"title": {"text": str(_("Confidence (%)"))}},
        yaxis={"title": {"text": str(_("Lift"))}},
    )


REPORT = register(
    ReportDefinition(
        slug="product-associations",
        name="product_associations",
        title=_("Product associations"),
        description=_(
            "Products bought together: for each rule “bought X → also bought Y”, the share of "
            "all orders holding both (support), the share of X's orders holding Y (confidence) "
            "and how much likelier Y is with X than on average (lift). Computed every night "
            "from all orders."
        ),
        form_class=ProductAssociationsForm,
        compute=compute,
        chart=chart,
        tables=(RULES,),
        summary=SUMMARY,
    )
)
