"""The ROI assessment form. It parses input; ``services.roi`` decides."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.evaluation.models import ROIAssessment
from guanxi.evaluation.selectors.tco import tco_plan_list

FIELDS = (
    "name",
    "plan",
    "period_start",
    "period_end",
    "baseline_start",
    "baseline_end",
    "baseline_amount",
    "hours_saved",
    "hourly_rate",
    "other_savings",
    "staff_cost",
    "process_cost",
    "discount_rate",
)
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ROIAssessmentForm(forms.ModelForm):
    """Built without an instance even when editing, so validating never changes the record
    the service compares and saves."""

    class Meta:
        model = ROIAssessment
        fields = list(FIELDS)
        widgets = {
            "period_start": _DATE,
            "period_end": _DATE,
            "baseline_start": _DATE,
            "baseline_end": _DATE,
        }

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = tco_plan_list(actor=actor)  # type: ignore[attr-defined]
        self.fields["period_start"].help_text = _(
            "The revenue of the orders dated in this period is compared with the baseline."
        )
        self.fields["baseline_start"].help_text = _(
            "Revenue of the orders in a period before the CRM; or enter a yearly amount below."
        )
        self.fields["hours_saved"].help_text = _(
            "Hours of work the CRM saves in a year (cost reduction = hours × rate + other)."
        )
        self.fields["discount_rate"].help_text = _("For the NPV: 0 to 100 %, e.g. 8.")

    def _post_clean(self) -> None:
        # The service validates the record (baseline, periods, ranges); no instance checks here.
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in FIELDS}

    @staticmethod
    def initial_for(assessment: ROIAssessment) -> dict[str, Any]:
        initial = {name: getattr(assessment, name) for name in FIELDS}
        initial["plan"] = assessment.plan_id
        initial["version"] = assessment.version
        return initial


class ROIAssessmentEditForm(ROIAssessmentForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
