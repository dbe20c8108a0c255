"""Forms of the field protection pages; they parse input, the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.roles import role_label
from guanxi.customers.models import FieldRule
from guanxi.customers.selectors.field_rules import field_rule_role_choices


class RoleChoiceField(forms.ModelChoiceField):
    """A role by its label in the user's language (built-in roles are stored by key)."""

    def label_from_instance(self, obj) -> str:
        return role_label(obj.name)


def _mode_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Protection"),
        choices=FieldRule.Mode.choices,
        widget=forms.RadioSelect,
        help_text=_("Masked shows part of the value (138****8000); hidden shows nothing."),
    )


class FieldRuleCreateForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=FieldRule.Field.choices)
    role = RoleChoiceField(label=_("Role"), queryset=field_rule_role_choices())
    mode = _mode_field()


class FieldRuleEditForm(forms.Form):
    mode = _mode_field()
    # The version the editor read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
