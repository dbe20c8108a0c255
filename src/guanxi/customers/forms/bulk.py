"""Forms of the customer list's bulk actions (reassign owner, add a tag, export)."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.export import FORMATS
from guanxi.core.forms.pickers import PickerField
from guanxi.customers.selectors import customers as selectors


class IdListField(forms.Field):
    """Customer ids, from repeated ``ids`` values and/or comma-separated lists."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("The selection is not a list of customer numbers.")}

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for item in values:
            for part in str(item).split(","):
                part = part.strip()
                if not part:
                    continue
                if not part.isdigit():
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
                ids.append(int(part))
        return list(dict.fromkeys(ids))


class BulkReassignForm(forms.Form):
    ids = IdListField(
        label=_("Selected customers"),
        error_messages={"required": _("Select at least one customer.")},
    )
    owner = PickerField(
        "user",
        label=_("New account manager"),
        error_messages={"required": _("Choose the account manager to give the customers to.")},
    )
    # The list's query string, so the user comes back to the same filtered page.
    back = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        cast(PickerField, self.fields["owner"]).bind(
            actor, queryset=selectors.customer_owner_choices(actor=actor)
        )


class BulkTagForm(forms.Form):
    ids = IdListField(
        label=_("Selected customers"),
        error_messages={"required": _("Select at least one customer.")},
    )
    tag = forms.CharField(
        label=_("Tag"),
        max_length=30,
        error_messages={"required": _("Enter the tag to add.")},
    )
    back = forms.CharField(required=False, widget=forms.HiddenInput)


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[(name, name) for name in FORMATS],
        error_messages={
            "invalid_choice": _("Choose the export format csv or xlsx."),
        },
    )
    ids = IdListField(required=False)
