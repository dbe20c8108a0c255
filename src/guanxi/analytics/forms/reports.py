"""The reports' filter forms: one common form, extended by each report with what fits it.

The same form validates the page's query string and the API's query parameters; the API
documents its fields as OpenAPI parameters (``api.form_parameters``). Only choices the actor
may see are offered: owners within the scope, the teams of the scope.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Team, User
from guanxi.analytics import periods
from guanxi.analytics.selectors.reports import report_owner_choices, report_team_choices
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.validators import EARLIEST_DATE, validate_business_date

_PERIOD_KEYS = ("preset", "date_from", "date_to")


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


def _dictionary_field(kind: str, label) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        required=False,
        queryset=DictionaryEntry.objects.filter(kind=kind).order_by("sort_order", "code"),
        empty_label=_("All"),
    )


class ReportFilterForm(forms.Form):
    """Period (a preset or two dates), account manager or team, region and customer level."""

    # The period when none is chosen; None: all time (the report then ignores dates).
    default_preset: str | None = periods.THIS_YEAR
    # Common fields a report does not use.
    drop: tuple[str, ...] = ()
    # Help for the API parameters, per field name.
    api_help: dict[str, str] = {}

    preset = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("", _("Custom dates")), *periods.PRESETS],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = _UserChoiceField(
        label=_("Account manager"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("All"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("All")
    )
    region = _dictionary_field(DictionaryKind.REGION, _("Region"))
    level = _dictionary_field(DictionaryKind.CUSTOMER_LEVEL, _("Customer level"))

    def __init__(self, data=None, *, actor, **kwargs):
        data = data if data is not None else {}
        if self.default_preset and not any(data.get(key) for key in _PERIOD_KEYS):
            # No period asked for: the default one, shown as chosen in the form.
            data = data.copy()
            data["preset"] = self.default_preset
        super().__init__(data, **kwargs)
        self.actor = actor
        for name in self.drop:
            self.fields.pop(name, None)
        if "owner" in self.fields:
            self.fields["owner"].queryset = report_owner_choices(actor=actor)
        if "team" in self.fields:
            self.fields["team"].queryset = report_team_choices(actor=actor)
        if "preset" in self.fields and self.default_preset is None:
            self.fields["preset"].choices = [("", _("All time")), *periods.PRESETS]

    def _check_day(self, name: str, value):
        try:
            validate_business_date(value)
        except ValidationError as error:
            self.add_error(name, error)
            return None
        return value

    def clean(self):
        data = super().clean()
        if "preset" not in self.fields:
            data["date_from"] = data["date_to"] = None
            return data
        preset = data.get("preset")
        date_from = self._check_day("date_from", data.get("date_from"))
        date_to = self._check_day("date_to", data.get("date_to"))
        if self.errors:
            return data
        today = timezone.localdate()
        if preset:
            date_from, date_to = periods.preset_range(preset, today)
        elif date_from is None and date_to is None:
            if self.default_preset:
                date_from, date_to = periods.preset_range(self.default_preset, today)
        else:
            date_from = date_from or EARLIEST_DATE
            date_to = date_to or max(today, date_from)
        if date_from and date_to and date_from > date_to:
            raise ValidationError(
                {"date_to": _("The end of the period must not be before its start.")}
            )
        data["date_from"], data["date_to"] = date_from, date_to
        return data

    def params(self) -> dict:
        """The cleaned filters, every common one present (None when not chosen)."""
        data = dict.fromkeys(("date_from", "date_to", "owner", "team", "region"))
        data["level"] = None
        data.update(self.cleaned_data)
        data.pop("preset", None)
        return data


def limit_field(default: int = 20, maximum: int = 200) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Rows"),
        required=False,
        min_value=1,
        max_value=maximum,
        initial=default,
        widget=forms.NumberInput(attrs={"placeholder": str(default)}),
    )


def granularity_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("By"), required=False, choices=periods.GRANULARITIES, initial=periods.MONTH
    )
