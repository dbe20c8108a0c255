"""The form of credit control 信用冻结: put the credit on hold or lift the hold, with a reason.

The reason is not required here: the service refuses an empty one, in its own words, on the
reason field (one rule, one place).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Customer
from guanxi.customers.services.credit import MAX_CREDIT_HOLD_REASON_LENGTH


class CreditHoldForm(forms.Form):
    # What the person chose when the page was read (a repeated post must not toggle back).
    on_hold = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=MAX_CREDIT_HOLD_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the customer's history and shown to everyone who sees it."),
    )
    # The version the person read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @staticmethod
    def initial_for(customer: Customer) -> dict:
        return {"on_hold": not customer.on_credit_hold, "version": customer.version}
