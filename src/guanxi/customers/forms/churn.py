"""Forms of the churn pages: postpone (measures) and confirm (reason); the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import DictionaryEntry
from guanxi.customers.selectors.churn import churn_reason_choices
from guanxi.customers.services.churn import MAX_MEASURES_LENGTH


class ChurnListFilterForm(forms.Form):
    """The churn list's filters: the user's own customers, warnings of one day."""

    mine = forms.BooleanField(label=_("Only my customers"), required=False)
    warned = forms.DateField(label=_("Warned on"), required=False)


class ChurnPostponeForm(forms.Form):
    measures = forms.CharField(
        label=_("Measures taken"),
        max_length=MAX_MEASURES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you do to keep the customer, e.g. a visit, a discount, a new contact."),
    )


class ChurnConfirmForm(forms.Form):
    reason: "forms.ModelChoiceField[DictionaryEntry]" = forms.ModelChoiceField(
        label=_("Churn reason"), queryset=None
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=MAX_MEASURES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = churn_reason_choices()


class MergeSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the duplicate by code, name, phone or contact"),
        max_length=100,
        required=False,
    )


class MergeConfirmForm(forms.Form):
    merged = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    survivor_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    merged_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
