"""Forms of the pipeline pages; they parse input, the services decide what is allowed."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms.pickers import PickerField, bind_pickers
from guanxi.sales.models import Deal, PipelineStage
from guanxi.sales.selectors import pipeline as selectors
from guanxi.sales.services.pipeline import MAX_TEXT_LENGTH

_DEAL_FIELDS = ("title", "owner", "amount", "probability", "expected_close_date", "competitors")


class DealForm(forms.ModelForm):
    """A deal's details; the customer and the owner are chosen with pickers.

    Built without an instance even when editing, so validating never changes the record the
    service compares and saves.
    """

    customer = PickerField("customer", label=_("Customer"))
    owner = PickerField(
        "user",
        label=_("Owner"),
        required=False,
        help_text=_("Empty: the customer's owner (or you)."),
    )
    competitors = forms.CharField(
        label=_("Competitors"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One competitor per line."),
    )

    class Meta:
        model = Deal
        fields = list(_DEAL_FIELDS)
        widgets = {
            "probability": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "amount": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "expected_close_date": forms.DateInput(attrs={"type": "date"}),
        }

    field_order = ["customer", "title", "stage", *_DEAL_FIELDS[1:]]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        cast(PickerField, self.fields["owner"]).bind(
            actor, queryset=selectors.deal_owner_choices(actor=actor)
        )
        bind_pickers(self, actor)
        self.fields["probability"].required = False
        self.fields["probability"].help_text = _("Empty: the stage's default probability.")

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in _DEAL_FIELDS}
        values["customer"] = self.cleaned_data["customer"]
        return values

    @staticmethod
    def initial_for(deal: Deal) -> dict:
        initial = {name: getattr(deal, name) for name in _DEAL_FIELDS}
        initial["owner"] = deal.owner_id
        initial["customer"] = deal.customer_id
        initial["version"] = deal.version
        return initial


class DealCreateForm(DealForm):
    stage = forms.ModelChoiceField(
        label=_("Stage"), queryset=PipelineStage.objects.none(), required=False
    )
    lost_reason = forms.ModelChoiceField(
        label=_("Lost reason"), queryset=selectors.lost_reason_choices(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = selectors.stage_list()
        self.fields["stage"].help_text = _("Empty: the first stage.")
        self.fields["lost_reason"].queryset = selectors.lost_reason_choices()

    def values(self) -> dict:
        values = super().values()
        values["stage"] = self.cleaned_data.get("stage")
        values["lost_reason"] = self.cleaned_data.get("lost_reason")
        return values


class DealEditForm(DealForm):
    # The version the editor read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DealMoveForm(forms.Form):
    """Move a deal: the target stage, a lost reason for a lost stage, the version read."""

    stage = forms.ModelChoiceField(label=_("Move to"), queryset=PipelineStage.objects.none())
    lost_reason = forms.ModelChoiceField(
        label=_("Lost reason"), queryset=PipelineStage.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = selectors.stage_list()
        self.fields["lost_reason"].queryset = selectors.lost_reason_choices()


class BoardFilterForm(forms.Form):
    owner = PickerField("user", label=_("Owner"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        cast(PickerField, self.fields["owner"]).bind(
            actor, queryset=selectors.deal_owner_filter_choices(actor=actor)
        )

    def chosen_owner(self):
        return self.cleaned_data.get("owner") if self.is_valid() else None


class StageForm(forms.ModelForm):
    class Meta:
        model = PipelineStage
        fields = ["name_zh", "name_en", "order", "probability", "is_won", "is_lost"]
        widgets = {"probability": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1})}

    def clean(self):
        data = super().clean()
        if data.get("is_won") and data.get("is_lost"):
            self.add_error("is_lost", _("A stage is either won or lost, not both."))
        return data


class StageEditForm(StageForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
