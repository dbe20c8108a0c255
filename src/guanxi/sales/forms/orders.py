"""Forms of the order 订单 pages: the order's header, its lines (a formset) and the list filters.

They only parse input; amounts, totals, the credit-hold rule and the rights are the services'.
"""

import re
from typing import cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms.pickers import PickerField, bind_pickers
from guanxi.sales import rules
from guanxi.sales.models import Order, OrderLine, Product
from guanxi.sales.selectors import orders as selectors_orders
from guanxi.sales.selectors import products as selectors_products

MAX_LINES = 200
PRODUCT_KEY = re.compile(r"lines-\d{1,3}-product")


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


class OrderLineForm(forms.Form):
    product = PickerField("product", label=_label(OrderLine, "product"))
    quantity = forms.DecimalField(
        label=_label(OrderLine, "quantity"), max_digits=14, decimal_places=2, min_value=0
    )
    unit_price = forms.DecimalField(
        label=_label(OrderLine, "unit_price"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Empty: the product's price."),
    )
    discount = forms.DecimalField(
        label=_label(OrderLine, "discount"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
    )

    def __init__(self, *args, actor, products: QuerySet[Product], known: dict, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(PickerField, self.fields["product"])
        field.bind(actor, queryset=products)
        # The lines' products are read once per formset, not once per line.
        field.known = known
        for name, numeric in (
            ("quantity", "quantity"),
            ("unit_price", "price"),
            ("discount", "discount"),
        ):
            self.fields[name].widget.attrs.update({"data-line": numeric, "inputmode": "decimal"})

    def line(self) -> dict:
        return {
            "product": self.cleaned_data["product"],
            "quantity": self.cleaned_data["quantity"],
            "unit_price": self.cleaned_data.get("unit_price"),
            "discount": self.cleaned_data.get("discount") or 0,
        }


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict]:
        return [
            form.line()
            for form in self.forms
            # Django's own deletion test; the stubs leave this BaseFormSet method out.
            if form.has_changed() and not self._should_delete_form(form)  # type: ignore[attr-defined]
        ]


def _chosen_products(data, initial) -> set[int]:
    """The product ids the lines name (posted or initial), to read them in one query."""
    values: list = []
    if data is not None:
        values = [value for key, value in data.items() if PRODUCT_KEY.fullmatch(key)]
    for row in initial or ():
        value = row.get("product")
        values.append(getattr(value, "id", value))
    return {int(value) for value in values if str(value or "").isdigit()}


def line_formset(data=None, *, actor, initial=None, keep_products=(), extra=0):
    """The lines formset; its products are the active ones plus those in ``keep_products``."""
    formset_class = forms.formset_factory(
        OrderLineForm,
        formset=BaseLineFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_LINES,
        validate_max=True,
    )
    # Active products, plus inactive ones already on the order being edited.
    products = selectors_products.product_list(actor=actor).filter(
        Q(is_active=True) | Q(pk__in=list(keep_products))
    )
    chosen = _chosen_products(data, initial)
    known = {product.pk: product for product in products.filter(pk__in=chosen)} if chosen else {}
    return formset_class(
        data,
        initial=initial,
        prefix="lines",
        form_kwargs={"actor": actor, "products": products, "known": known},
    )


class OrderForm(forms.Form):
    """The order's own fields; the customer is picked on create."""

    customer = PickerField("customer", label=_label(Order, "customer"))
    order_date = forms.DateField(
        label=_label(Order, "order_date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    status = forms.ChoiceField(
        label=_label(Order, "status"),
        choices=[
            (Order.Status.CONFIRMED, Order.Status.CONFIRMED.label),
            (Order.Status.DRAFT, Order.Status.DRAFT.label),
        ],
        initial=Order.Status.CONFIRMED,
    )
    delivery_address = forms.CharField(
        label=_label(Order, "delivery_address"),
        max_length=300,
        required=False,
        help_text=_("Empty: the customer's address."),
    )
    delivery_terms = forms.CharField(
        label=_label(Order, "delivery_terms"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    notes = forms.CharField(
        label=_label(Order, "notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    credit_override = forms.BooleanField(
        label=_("Override the customer's credit hold"), required=False
    )
    credit_override_reason = forms.CharField(
        label=_label(Order, "credit_override_reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        bind_pickers(self, actor)
        if not actor.has_perm(rules.OVERRIDE_CREDIT_HOLD):
            del self.fields["credit_override"]
            del self.fields["credit_override_reason"]

    def values(self) -> dict:
        return dict(self.cleaned_data)


class OrderEditForm(OrderForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        for name in ("customer", "status", "credit_override", "credit_override_reason"):
            self.fields.pop(name, None)

    @staticmethod
    def initial_for(order: Order) -> dict:
        return {
            "order_date": order.order_date,
            "delivery_address": order.delivery_address,
            "delivery_terms": order.delivery_terms,
            "notes": order.notes,
            "version": order.version,
        }

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class OrderCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=500
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OrderFilterForm(forms.Form):
    """The filters of the order list; invalid ones are shown and left out."""

    status = forms.ChoiceField(
        label=_label(Order, "status"),
        choices=[("", _("All statuses")), *Order.Status.choices],
        required=False,
    )
    owner = PickerField("user", label=_label(Order, "owner"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    customer = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        cast(PickerField, self.fields["owner"]).bind(
            actor, queryset=selectors_orders.order_owner_filter_choices(actor=actor)
        )

    def query(self) -> dict:
        """Keyword arguments for ``selectors.orders.order_list`` (without the customer)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            key: data[key] for key in ("status", "owner", "date_from", "date_to") if data.get(key)
        }
