"""Forms of the public service pages: the request web form and the satisfaction survey.

They only read input; the services decide (``guanxi.service.intake``, ``.surveys``).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import DictionaryEntry
from guanxi.core.spam import SpamProtectedForm
from guanxi.service.intake import intake_service_types
from guanxi.service.services.flow import MAX_TEXT_LENGTH
from guanxi.service.surveys import MAX_COMMENT_LENGTH

WEB_FORM_SALT = "guanxi.service.request-web-form"


class ServiceWebForm(SpamProtectedForm):
    """The public service form: anyone describes their request and how to reach them."""

    spam_salt = WEB_FORM_SALT

    name = forms.CharField(label=_("Your name"), max_length=100)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    service_type: forms.ModelChoiceField[DictionaryEntry] = forms.ModelChoiceField(
        label=_("Type of request"), queryset=None, empty_label=None
    )
    summary = forms.CharField(label=_("Subject"), max_length=200)
    request = forms.CharField(
        label=_("Your request"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = intake_service_types()
        self.fields["service_type"].label_from_instance = lambda entry: entry.label

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and not self.has_error("email"):
            self.add_error("email", _("Leave an e-mail address or a phone number."))
        return data

    def values(self) -> dict:
        names = ("name", "company", "email", "phone", "service_type", "summary", "request")
        return {name: self.cleaned_data[name] for name in names}


SATISFACTION_CHOICES = [
    (5, _("5 – Very satisfied")),
    (4, _("4 – Satisfied")),
    (3, _("3 – Acceptable")),
    (2, _("2 – Dissatisfied")),
    (1, _("1 – Very dissatisfied")),
]


class SurveyForm(forms.Form):
    """The answer to a satisfaction survey 满意度调查."""

    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us?"),
        max_length=MAX_COMMENT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
