"""Forms of the sales target pages: they parse input; ``services.targets`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.sales.models import ProductCategory, Target
from guanxi.sales.selectors import targets as selectors

_FIELDS = ("user", "team", "category", "period_kind", "period_start", "amount")


class TargetFilterForm(forms.Form):
    period_kind = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("", _("All periods")), *Target.PeriodKind.choices],
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def query(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            "period_kind": self.cleaned_data.get("period_kind") or None,
            "year": self.cleaned_data.get("year"),
        }


class TargetForm(forms.ModelForm):
    """A target's subject (a rep or a team), category, period and amount.

    Built without an instance even when editing, so validating never changes the record the
    service compares and saves.
    """

    class Meta:
        model = Target
        fields = list(_FIELDS)
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "amount": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.settable_users(actor)
        self.fields["user"].help_text = _("A sales rep, or leave empty and choose a team.")
        self.fields["team"].queryset = selectors.settable_teams(actor)
        self.fields["category"].queryset = ProductCategory.objects.all()
        self.fields["category"].empty_label = _("All products")
        self.fields["period_start"].help_text = _(
            "Any day of the period; the target starts on the first day of its month, quarter "
            "or year."
        )

    def _post_clean(self):
        # The service validates the model (subject, uniqueness); no instance checks here.
        pass

    def clean(self):
        data = super().clean()
        if bool(data.get("user")) == bool(data.get("team")):
            self.add_error("user", _("Choose either a sales rep or a team."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in _FIELDS}

    @staticmethod
    def initial_for(target: Target) -> dict:
        initial = {name: getattr(target, name) for name in _FIELDS}
        initial.update(user=target.user_id, team=target.team_id, category=target.category_id)
        initial["version"] = target.version
        return initial


class TargetEditForm(TargetForm):
    # The version the editor read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
