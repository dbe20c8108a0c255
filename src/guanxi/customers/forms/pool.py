"""Forms of the customer pool pages; they parse input, the pool services decide what is allowed."""

from typing import cast

from django import forms
from django.contrib.auth.models import Group
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.roles import role_label
from guanxi.core.forms.pickers import PickerField
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.customers.models import OwnershipCap, PoolPolicy
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.selectors import pool as selectors_pool
from guanxi.customers.services.pool import MAX_REASON_LENGTH


def _field_label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


_FILTER_KINDS = {
    "level": DictionaryKind.CUSTOMER_LEVEL,
    "region": DictionaryKind.REGION,
    "industry": DictionaryKind.INDUSTRY,
}


class PoolFilterForm(forms.Form):
    """Search and filters of the pool list; unknown values are ignored, never trusted."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Customer level"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Name, pinyin, code, phone or e-mail"), "autocomplete": "off"}
        )
        self._entries = {
            (entry.kind, entry.code): entry
            for entry in selectors.customer_dictionary_entries(kinds=_FILTER_KINDS.values())
        }
        for name, kind in _FILTER_KINDS.items():
            self.fields[name].choices = [("", _("All"))] + [
                (code, entry.label)
                for (entry_kind, code), entry in self._entries.items()
                if entry_kind == kind
            ]

    def query(self) -> tuple[str, dict]:
        """The search term and the filters for ``customers.selectors.pool.pool_list``."""
        if not self.is_bound:
            return "", {}
        self.is_valid()
        data = self.cleaned_data
        filters = {
            name: self._entries[(kind, data[name])]
            for name, kind in _FILTER_KINDS.items()
            if data.get(name)
        }
        return data.get("q", "").strip(), filters


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return str(user)


class PoolAssignForm(forms.Form):
    """The account manager a supervisor gives a pool customer to."""

    owner = PickerField("user", label=_("Account manager"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        cast(PickerField, self.fields["owner"]).bind(
            actor, queryset=selectors_pool.pool_owner_choices(actor=actor)
        )


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded on the customer's timeline."),
    )


class PoolPolicyForm(forms.Form):
    """A recall policy: for one customer level, or the default for all levels."""

    level: "forms.ModelChoiceField[DictionaryEntry]" = forms.ModelChoiceField(
        label=_("Customer level"),
        queryset=None,
        required=False,
        empty_label=_("All levels (default)"),
    )
    follow_up_days = forms.IntegerField(
        label=_field_label(PoolPolicy, "follow_up_days"),
        min_value=1,
        required=False,
        help_text=_("Empty: no recall for missing follow-ups."),
    )
    won_days = forms.IntegerField(
        label=_field_label(PoolPolicy, "won_days"),
        min_value=1,
        required=False,
        help_text=_("Empty: no recall for missing deals or orders."),
    )
    notice_days = forms.IntegerField(
        label=_field_label(PoolPolicy, "notice_days"),
        min_value=0,
        max_value=365,
        initial=3,
        help_text=_("0: recall without advance notice."),
    )
    max_owned = forms.IntegerField(
        label=_field_label(PoolPolicy, "max_owned"),
        min_value=0,
        required=False,
        help_text=_("Empty: no limit."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = selectors.customer_dictionary_choices(
            kind=DictionaryKind.CUSTOMER_LEVEL
        )

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}

    @staticmethod
    def initial_for(policy: PoolPolicy) -> dict:
        return {
            "level": policy.level_id,
            "follow_up_days": policy.follow_up_days,
            "won_days": policy.won_days,
            "notice_days": policy.notice_days,
            "max_owned": policy.max_owned,
            "version": policy.version,
        }


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, group) -> str:
        return role_label(group.name)


class OwnershipCapForm(forms.Form):
    """The most customers the users of one role may own."""

    role = RoleChoiceField(label=_("Role"), queryset=Group.objects.order_by("name"))
    max_owned = forms.IntegerField(label=_field_label(OwnershipCap, "max_owned"), min_value=0)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    @staticmethod
    def initial_for(cap: OwnershipCap) -> dict:
        return {"role": cap.role_id, "max_owned": cap.max_owned, "version": cap.version}
