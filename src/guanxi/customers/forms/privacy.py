"""The anonymisation form: why, and the person's name typed again to confirm.

The reason is not required here: the service refuses an empty one, in its own words, on the
reason field (one rule, one place). Typing the name is the page's own safeguard against a
click on the wrong person; the API's call is its own confirmation.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guanxi.customers.services.privacy import MAX_REASON_LENGTH


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the sensitive-access log and the history, e.g. the person's request."),
    )
    confirm = forms.CharField(
        label=_("Type the name to confirm"),
        required=False,
        max_length=200,
        help_text=_("This cannot be undone."),
    )

    def __init__(self, *args: Any, expected_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_name = expected_name

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data.get("confirm", "").strip()
        if typed != self.expected_name.strip():
            raise forms.ValidationError(
                gettext("Type the name “%(name)s” exactly as shown to confirm.")
                % {"name": self.expected_name}
            )
        return typed
