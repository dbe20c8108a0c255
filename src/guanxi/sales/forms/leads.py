"""Forms of the lead pages and of the public web form; the services decide what is allowed."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Team
from guanxi.core.forms.pickers import PickerField, bind_pickers
from guanxi.core.models import DictionaryEntry
from guanxi.core.spam import SpamProtectedForm
from guanxi.sales.models import Lead
from guanxi.sales.selectors import leads as selectors
from guanxi.sales.services.leads import MAX_TEXT_LENGTH

_FIELDS = ("name", "company", "phone", "email", "region", "notes")
WEB_FORM_SALT = "guanxi.sales.lead-web-form"


class LeadWebForm(SpamProtectedForm):
    """The public form 在线咨询: a person leaves their contact details.

    The honeypot ``website`` and the signed ``started`` time come from
    :class:`~guanxi.core.spam.SpamProtectedForm`; :meth:`is_robot` tells the view to drop the
    submission silently.
    """

    spam_salt = WEB_FORM_SALT

    name = forms.CharField(label=_("Your name"), max_length=100)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    region: forms.ModelChoiceField[DictionaryEntry] = forms.ModelChoiceField(
        label=_("Region"), queryset=None, required=False
    )
    notes = forms.CharField(
        label=_("What can we do for you?"),
        max_length=MAX_TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.region_choices()

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and not self.has_error("email"):
            self.add_error("phone", _("Leave a phone number or an e-mail address."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in _FIELDS}


class LeadForm(forms.ModelForm):
    """A lead entered by hand (built without an instance, as the opportunity form)."""

    notes = forms.CharField(
        label=_("notes"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Lead
        fields = ["name", "company", "phone", "email", "region", "source", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.region_choices()

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class LeadEditForm(LeadForm):
    # The version the editor read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @staticmethod
    def initial_for(lead: Lead) -> dict:
        initial = {name: getattr(lead, name) for name in LeadForm.Meta.fields}
        initial["region"] = lead.region_id
        initial["version"] = lead.version
        return initial


class LeadFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=selectors.MAX_SEARCH_LENGTH)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Lead.Status.choices]
    )
    owner = PickerField("user", label=_("Owner"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, actor)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Name, company, phone or e-mail")}
        )

    def query(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        query = {"search": (data.get("q") or "").strip(), "status": data.get("status") or ""}
        if data.get("owner") is not None:
            query["owner"] = data["owner"]
        return query


class LeadAssignForm(forms.Form):
    owner = PickerField("user", label=_("Give to"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        cast(PickerField, self.fields["owner"]).bind(
            actor, queryset=selectors.lead_assignee_choices(actor=actor)
        )


class LeadConvertForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Convert to"),
        choices=[("opportunity", _("a sales opportunity")), ("customer", _("a customer"))],
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label=_("Opportunity summary"),
        required=False,
        max_length=200,
        help_text=_("Only for an opportunity; the lead's name is used when left empty."),
    )
    probability = forms.IntegerField(
        label=_("Success probability (%)"), min_value=0, max_value=100, initial=20
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Create the customer anyway"), required=False, widget=forms.HiddenInput
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def ask_confirmation(self) -> None:
        self.fields["confirm_duplicate"].widget = forms.CheckboxInput()


class LeadDisqualifyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RoutingRuleForm(forms.Form):
    region: forms.ModelChoiceField[DictionaryEntry] = forms.ModelChoiceField(
        label=_("Region"),
        queryset=None,
        required=False,
        empty_label=_("Any other region (default)"),
    )
    team = forms.ModelChoiceField(
        label=_("Team (round-robin)"), queryset=Team.objects.order_by("path"), required=False
    )
    user = PickerField("user", label=_("Account manager"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.region_choices()
        cast(PickerField, self.fields["user"]).bind(
            actor, queryset=selectors.lead_assignee_choices(actor=actor)
        )
