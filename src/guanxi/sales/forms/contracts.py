"""Forms of the contract 合同 pages (they parse input; the rules are ``services.contracts``')."""

from typing import Any, cast

from django import forms
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.customers.selectors import customers as customer_selectors
from guanxi.sales.models import Contract, Payment
from guanxi.sales.selectors import contracts as selectors_contracts
from guanxi.sales.selectors import orders as selectors_orders

DATE: dict[str, Any] = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}


def _label(name: str):
    return cast(
        Field, Contract._meta.get_field(name)
    ).verbose_name  # only concrete fields are named


class ContractForm(forms.Form):
    customer = forms.CharField(
        label=_label("customer"),
        max_length=20,
        help_text=_("The customer's code, e.g. KH20260001."),
    )
    title = forms.CharField(label=_label("title"), max_length=200)
    amount = forms.DecimalField(
        label=_label("amount"), max_digits=14, decimal_places=2, min_value=0
    )
    order = forms.CharField(
        label=_label("order"),
        max_length=20,
        required=False,
        help_text=_("Optional: the order's code, e.g. DD20260001."),
    )
    signed_on = forms.DateField(
        label=_label("signed_on"), widget=forms.DateInput(**DATE), required=False
    )
    starts_on = forms.DateField(
        label=_label("starts_on"), widget=forms.DateInput(**DATE), required=False
    )
    ends_on = forms.DateField(
        label=_label("ends_on"), widget=forms.DateInput(**DATE), required=False
    )
    notes = forms.CharField(
        label=_label("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_customer(self):
        code = self.cleaned_data["customer"].strip().upper()
        customer = customer_selectors.customer_list(actor=self.actor).filter(code=code).first()
        if customer is None:
            raise forms.ValidationError(_("No customer of yours has this code."))
        return customer

    def clean_order(self):
        code = self.cleaned_data["order"].strip().upper()
        if not code:
            return None
        order = selectors_orders.order_list(actor=self.actor).filter(code=code).first()
        if order is None:
            raise forms.ValidationError(_("No order of yours has this code."))
        return order

    def values(self) -> dict:
        return dict(self.cleaned_data)


class ContractEditForm(ContractForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        del self.fields["customer"]

    @staticmethod
    def initial_for(contract: Contract) -> dict:
        return {
            "title": contract.title,
            "amount": contract.amount,
            "order": contract.order.code if contract.order else "",
            "signed_on": contract.signed_on,
            "starts_on": contract.starts_on,
            "ends_on": contract.ends_on,
            "notes": contract.notes,
            "version": contract.version,
        }

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_label("status"),
        choices=[("", _("All statuses")), *Contract.Status.choices],
        required=False,
    )


class ReceivableForm(forms.Form):
    """``source`` is the code of an order (DD…) or a contract (HT…) of the actor's."""

    source = forms.CharField(
        label=_("Order or contract"),
        max_length=20,
        help_text=_("The order's or contract's code, e.g. DD20260001 or HT20260001."),
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(**DATE))
    amount_due = forms.DecimalField(
        label=_("Amount due"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Empty: the order's total or the contract's amount."),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_source(self):
        code = self.cleaned_data["source"].strip().upper()
        order = selectors_orders.order_list(actor=self.actor).filter(code=code).first()
        if order is not None:
            return {"order": order}
        contract = selectors_contracts.contract_list(actor=self.actor).filter(code=code).first()
        if contract is not None:
            return {"contract": contract}
        raise forms.ValidationError(_("No order or contract of yours has this code."))

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        return {**data.pop("source"), **data}


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    paid_on = forms.DateField(
        label=_("Payment date"), widget=forms.DateInput(**DATE), initial=timezone.localdate
    )
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)
