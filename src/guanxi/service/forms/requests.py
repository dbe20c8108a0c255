"""Forms of the service pages; they parse input, the services decide what is allowed."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.forms.pickers import PickerField, bind_pickers
from guanxi.core.models import DictionaryEntry
from guanxi.customers.models import Contact
from guanxi.customers.selectors.customers import contact_list
from guanxi.service.models import ServiceLevelTarget, ServiceRequest
from guanxi.service.selectors import requests as selectors
from guanxi.service.services.flow import MAX_TEXT_LENGTH

_FORM_FIELDS = ("service_type", "summary", "channel", "contact", "request")


class ServiceRequestForm(forms.Form):
    """The editable fields of a request. The customer is chosen with the customer picker; the
    contact among that customer's contacts."""

    customer = PickerField("customer", label=_("Customer"))
    service_type: forms.ModelChoiceField[DictionaryEntry] = forms.ModelChoiceField(
        label=_("Service type"), queryset=None
    )
    summary = forms.CharField(label=_("Summary"), max_length=200)
    channel: forms.ModelChoiceField[DictionaryEntry] = forms.ModelChoiceField(
        label=_("Channel"), queryset=None
    )
    contact = PickerField("contact", label=_("Contact"), required=False)
    request = forms.CharField(
        label=pgettext_lazy("service", "Request"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, actor, customer=None, service_request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        bind_pickers(self, actor)
        current = service_request
        self.fields["service_type"].queryset = selectors.service_type_choices(
            current=current.service_type if current else None
        )
        self.fields["channel"].queryset = selectors.channel_choices(
            current=current.channel if current else None
        )
        customer = customer or (current.customer if current else None)
        contact = cast(PickerField, self.fields["contact"])
        if customer is not None:
            # Typed and chosen among that customer's contacts.
            contact.bind(actor, queryset=contact_list(actor=actor, customer=customer))
        else:
            # The contact is chosen once the customer is known (from the 360 page, or editing).
            contact.bind(actor, queryset=Contact.objects.none())
            contact.widget = forms.HiddenInput()

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in _FORM_FIELDS}
        values["customer"] = self.cleaned_data["customer"]
        return values

    @staticmethod
    def initial_for(service_request: ServiceRequest) -> dict:
        return {
            "customer": service_request.customer_id,
            "service_type": service_request.service_type_id,
            "summary": service_request.summary,
            "channel": service_request.channel_id,
            "contact": service_request.contact_id,
            "request": service_request.request,
            "version": service_request.version,
        }


class ServiceRequestEditForm(ServiceRequestForm):
    # The version the editor read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ServiceFilterForm(forms.Form):
    """The queue's search box and filters; every value is checked, never trusted."""

    q = forms.CharField(label=_("Search"), required=False, max_length=selectors.MAX_SEARCH_LENGTH)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ServiceRequest.Status.choices]
    )
    service_type: forms.ModelChoiceField[DictionaryEntry] = forms.ModelChoiceField(
        label=_("Service type"), required=False, queryset=None, empty_label=_("All")
    )
    channel: forms.ModelChoiceField[DictionaryEntry] = forms.ModelChoiceField(
        label=_("Channel"), required=False, queryset=None, empty_label=_("All")
    )
    assigned_to = PickerField("user", label=pgettext_lazy("service", "Assigned to"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, actor)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Customer, code or summary")}
        )
        self.fields["service_type"].queryset = selectors.service_type_choices()
        self.fields["channel"].queryset = selectors.channel_choices()

    def query(self) -> dict:
        """Keyword arguments of ``service_request_queue`` from the valid fields only."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "service_type": data.get("service_type"),
            "channel": data.get("channel"),
            "assigned_to": data.get("assigned_to"),
        }


class ServiceAssignForm(forms.Form):
    assigned_to = PickerField("user", label=pgettext_lazy("service", "Assign to"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        cast(PickerField, self.fields["assigned_to"]).bind(
            actor, queryset=selectors.service_assignee_choices(actor=actor)
        )


class ServiceHandleForm(forms.Form):
    handling = forms.CharField(
        label=_("Handling"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done for the customer."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ServiceFeedbackForm(forms.Form):
    SATISFACTION_CHOICES = [
        (5, _("5 – very satisfied")),
        (4, _("4 – satisfied")),
        (3, _("3 – acceptable")),
        (2, _("2 – dissatisfied")),
        (1, _("1 – very dissatisfied")),
    ]

    result = forms.CharField(
        label=pgettext_lazy("service", "Result"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # No default: a select shows its first option as chosen, so a score the customer never
    # gave would be recorded by whoever did not touch the field. The empty option comes first.
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=[("", _("Choose 1–5")), *SATISFACTION_CHOICES],
        coerce=int,
        empty_value=None,
        error_messages={"required": _("Choose the customer's satisfaction, 1 to 5.")},
        help_text=_("3 or more archives the request; below 3 sends it back to the assignee."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ServiceLevelTargetForm(forms.ModelForm):
    class Meta:
        model = ServiceLevelTarget
        fields = ["first_response_hours", "resolution_hours"]
        widgets = {
            "first_response_hours": forms.NumberInput(attrs={"min": 1}),
            "resolution_hours": forms.NumberInput(attrs={"min": 1}),
        }
