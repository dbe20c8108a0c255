"""The baseline forms: take a snapshot, agree the targets, choose the "now" period. They parse
input; ``services.baselines`` decides."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.validators import validate_business_date
from guanxi.evaluation.models import Baseline
from guanxi.evaluation.models.baselines import TargetDirection
from guanxi.evaluation.services.baselines import default_period

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BaselineForm(forms.Form):
    """Name, the period whose KPI values are frozen (the previous full month by default) and
    a note."""

    name = forms.CharField(label=_("Name"), max_length=100)
    period_start = forms.DateField(label=_("Period start"), widget=_DATE)
    period_end = forms.DateField(
        label=_("Period end"),
        widget=_DATE,
        help_text=_("The KPI values of this period are frozen, e.g. the month before go-live."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            start, end = default_period()
            self.initial.setdefault("period_start", start)
            self.initial.setdefault("period_end", end)

    def values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name)
            for name in ("name", "period_start", "period_end", "note")
        }


class TargetsForm(forms.Form):
    """One row per KPI of the baseline: the target (empty: none), at least / at most, a note."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self, *args: Any, baseline: Baseline, labels: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keys = [value.key for value in baseline.values.all()]
        self.labels = labels
        targets = {target.key: target for target in baseline.targets.all()}
        if not self.is_bound:
            self.initial["version"] = baseline.version
        for key in self.keys:
            label = labels.get(key, key)
            found = targets.get(key)
            self.fields[f"{key}-target"] = forms.CharField(
                label=_("Target of %(kpi)s") % {"kpi": label},
                required=False,
                max_length=30,
                initial=None if found is None else f"{found.target.normalize():f}",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
            )
            self.fields[f"{key}-direction"] = forms.ChoiceField(
                label=_("Direction of %(kpi)s") % {"kpi": label},
                choices=TargetDirection.choices,
                required=False,
                initial=TargetDirection.AT_LEAST if found is None else found.direction,
            )
            self.fields[f"{key}-note"] = forms.CharField(
                label=_("Note on %(kpi)s") % {"kpi": label},
                required=False,
                max_length=300,
                initial="" if found is None else found.note,
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "key": key,
                "label": self.labels.get(key, key),
                "target": self[f"{key}-target"],
                "direction": self[f"{key}-direction"],
                "note": self[f"{key}-note"],
            }
            for key in self.keys
        ]

    def targets(self) -> list[dict[str, Any]]:
        """The filled rows, as the service takes them."""
        return [
            {
                "key": key,
                "target": self.cleaned_data[f"{key}-target"],
                "direction": self.cleaned_data[f"{key}-direction"],
                "note": self.cleaned_data[f"{key}-note"],
            }
            for key in self.keys
            if str(self.cleaned_data.get(f"{key}-target") or "").strip()
        ]


class NowPeriodForm(forms.Form):
    """The "now" period a comparison reads (empty: as long as the baseline's, ending today)."""

    now_start = forms.DateField(
        label=_("Now from"), required=False, widget=_DATE, validators=[validate_business_date]
    )
    now_end = forms.DateField(
        label=_("Now to"), required=False, widget=_DATE, validators=[validate_business_date]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("now_start"), data.get("now_end")
        if (start is None) != (end is None):
            self.add_error(
                "now_end" if end is None else "now_start", _("Enter both days, or neither.")
            )
        elif start and end and end < start:
            self.add_error("now_end", _("The period must end on or after the day it starts."))
        return data
