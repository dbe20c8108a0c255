"""Forms of the opportunity pages; they parse input, the services decide what is allowed."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.forms.pickers import PickerField, bind_pickers
from guanxi.core.models import DictionaryEntry
from guanxi.core.phones import phone_normalise
from guanxi.sales.models import Opportunity, PlanItem
from guanxi.sales.selectors import opportunities as selectors
from guanxi.sales.services.opportunities import MAX_TEXT_LENGTH

_FORM_FIELDS = (
    "source",
    "prospect_name",
    "probability",
    "summary",
    "contact",
    "contact_phone",
    "description",
    "expected_amount",
    "expected_close_date",
)


class OpportunityForm(forms.ModelForm):
    """The editable fields of an opportunity.

    Built without an instance even when editing, so validating the form never changes the
    record the service is about to compare and save. The existing customer, if any, is given
    with the customer picker.
    """

    customer = PickerField(
        "customer",
        label=_("Existing customer"),
        required=False,
        help_text=_("If the prospect already is a customer: type its name, code or pinyin."),
    )
    description = forms.CharField(
        label=Opportunity._meta.get_field("description").verbose_name,
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Opportunity
        fields = list(_FORM_FIELDS)
        widgets = {
            "probability": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "expected_amount": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "expected_close_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    field_order = ["source", "prospect_name", "customer", *_FORM_FIELDS[2:]]

    def __init__(self, *args, actor, opportunity: Opportunity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        bind_pickers(self, actor)
        current = opportunity.source if opportunity is not None else None
        cast(
            forms.ModelChoiceField, self.fields["source"]
        ).queryset = selectors.opportunity_source_choices(current=current)
        self.fields["prospect_name"].required = False
        self.fields["prospect_name"].help_text = _(
            "The company or person; may be left empty when an existing customer is given."
        )

    def clean_source(self):
        source = self.cleaned_data.get("source")
        if source is not None and not source.is_active:
            raise forms.ValidationError(
                _("“%(label)s” is no longer in use; choose another value."),
                code="inactive",
                params={"label": source.label},
            )
        return source

    def clean_contact_phone(self):
        # Checked here too so the page names every wrong field at once; the service checks it
        # again (core.phones). A number kept as it was is left alone, as the service does.
        value = self.cleaned_data.get("contact_phone") or ""
        if "contact_phone" in self.changed_data:
            value = phone_normalise(value, label=str(self.fields["contact_phone"].label))
        return value

    def clean(self):
        data = super().clean()
        if not (data.get("prospect_name") or "").strip() and not data.get("customer"):
            self.add_error("prospect_name", _("Enter the prospect's name."))
        return data

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in _FORM_FIELDS}
        values["customer"] = self.cleaned_data.get("customer")
        return values

    @staticmethod
    def initial_for(opportunity: Opportunity) -> dict:
        initial = {name: getattr(opportunity, name) for name in _FORM_FIELDS}
        initial["source"] = opportunity.source_id
        initial["customer"] = opportunity.customer_id
        initial["version"] = opportunity.version
        return initial


class OpportunityEditForm(OpportunityForm):
    # The version the editor read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OpportunityFilterForm(forms.Form):
    """The list's search box and filters; every value is checked, never trusted."""

    q = forms.CharField(label=_("Search"), required=False, max_length=selectors.MAX_SEARCH_LENGTH)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Opportunity.Status.choices],
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    assigned_to = PickerField("user", label=_("Assigned to"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Prospect name")})
        bind_pickers(self, actor)

    def query(self) -> dict:
        """Keyword arguments of ``opportunity_list`` from the valid fields only."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "mine": bool(data.get("mine")),
            "assigned_to": data.get("assigned_to"),
        }


class OpportunityAssignForm(forms.Form):
    assigned_to = PickerField("user", label=pgettext_lazy("opportunity", "Assign to"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        cast(PickerField, self.fields["assigned_to"]).bind(
            actor, queryset=selectors.opportunity_assignee_choices(actor=actor)
        )


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ["date", "content"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "content": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content"].max_length = MAX_TEXT_LENGTH
        self.fields["content"].widget.attrs["maxlength"] = MAX_TEXT_LENGTH


class PlanItemResultForm(forms.Form):
    result = forms.CharField(
        label=pgettext_lazy("plan item", "Result"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OpportunitySucceedForm(forms.Form):
    """Development succeeded; likely duplicates must be confirmed with "create anyway"."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirm_duplicate = forms.BooleanField(
        label=_("Create the customer anyway"), required=False, widget=forms.HiddenInput
    )
    open_deal = forms.BooleanField(
        label=_("Open a deal for the customer"),
        required=False,
        help_text=_(
            "A deal in the pipeline's first stage, carrying the expected amount and close "
            "date, linked to this opportunity."
        ),
    )

    def ask_confirmation(self) -> None:
        """Offer the "create anyway" box (shown only once duplicates were found)."""
        self.fields["confirm_duplicate"].widget = forms.CheckboxInput()


class OpportunityTerminateForm(forms.Form):
    reason: forms.ModelChoiceField[DictionaryEntry] = forms.ModelChoiceField(
        label=_("Lost reason"), queryset=None
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = selectors.lost_reason_choices()
