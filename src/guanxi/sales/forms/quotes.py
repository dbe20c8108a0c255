"""Forms of the quote 报价 pages; the lines are the order pages' formset (``forms.orders``)."""

from typing import Any, cast

from django import forms
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms.pickers import PickerField, bind_pickers
from guanxi.sales import rules
from guanxi.sales.models import Quote

DATE: dict[str, Any] = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}


def _label(name: str):
    return cast(Field, Quote._meta.get_field(name)).verbose_name  # only concrete fields are named


class QuoteForm(forms.Form):
    """The quote's own fields; the customer is picked on create."""

    customer = PickerField("customer", label=_label("customer"))
    quote_date = forms.DateField(
        label=_label("quote_date"), widget=forms.DateInput(**DATE), initial=timezone.localdate
    )
    valid_until = forms.DateField(
        label=_label("valid_until"),
        widget=forms.DateInput(**DATE),
        required=False,
        help_text=_("Empty: 30 days after the quote date."),
    )
    notes = forms.CharField(
        label=_label("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    delivery_terms = forms.CharField(
        label=_label("delivery_terms"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=cast(Field, Quote._meta.get_field("delivery_terms")).help_text,
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        bind_pickers(self, actor)

    def values(self) -> dict:
        return dict(self.cleaned_data)


class QuoteEditForm(QuoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        del self.fields["customer"]
        self.fields["valid_until"].required = True
        self.fields["valid_until"].help_text = ""

    @staticmethod
    def initial_for(quote: Quote) -> dict:
        return {
            "quote_date": quote.quote_date,
            "valid_until": quote.valid_until,
            "notes": quote.notes,
            "delivery_terms": quote.delivery_terms,
            "version": quote.version,
        }

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class QuoteConvertForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    credit_override = forms.BooleanField(
        label=_("Override the customer's credit hold"), required=False
    )
    credit_override_reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if not actor.has_perm(rules.OVERRIDE_CREDIT_HOLD):
            del self.fields["credit_override"]
            del self.fields["credit_override_reason"]


class QuoteFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_label("status"),
        choices=[("", _("All statuses")), *Quote.Status.choices],
        required=False,
    )
