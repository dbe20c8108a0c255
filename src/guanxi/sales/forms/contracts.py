"""Forms of the contract 合同 pages (they parse input; the rules are ``services.contracts``')."""

from typing import Any, cast

from django import forms
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms.pickers import PickerField, bind_pickers
from guanxi.sales.models import Contract, Payment

DATE: dict[str, Any] = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}


def _label(name: str):
    return cast(
        Field, Contract._meta.get_field(name)
    ).verbose_name  # only concrete fields are named


class ContractForm(forms.Form):
    customer = PickerField("customer", label=_label("customer"))
    title = forms.CharField(label=_label("title"), max_length=200)
    amount = forms.DecimalField(
        label=_label("amount"), max_digits=14, decimal_places=2, min_value=0
    )
    order = PickerField(
        "order", label=_label("order"), required=False, help_text=_("Optional: its order.")
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
        bind_pickers(self, actor)

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
            "order": contract.order_id,
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
    """What is owed for: one of the actor's orders or contracts, each chosen with a picker."""

    order = PickerField("order", label=_("Order"), required=False)
    contract = PickerField(
        "contract",
        label=_("Contract"),
        required=False,
        help_text=_("Choose the order or the contract the amount is owed for."),
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
        bind_pickers(self, actor)

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("order")) == bool(data.get("contract")):
            self.add_error("order", _("Choose either an order or a contract."))
        return data

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("order"):
            data.pop("order", None)
        if not data.get("contract"):
            data.pop("contract", None)
        return data


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    paid_on = forms.DateField(
        label=_("Payment date"), widget=forms.DateInput(**DATE), initial=timezone.localdate
    )
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)
