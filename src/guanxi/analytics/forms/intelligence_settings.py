"""The customer-intelligence settings form: the model's fields, checked by the service."""

from typing import Any

from django import forms

from guanxi.analytics.models import IntelligenceSettings
from guanxi.analytics.services.intelligence_settings import SETTINGS_FIELDS


class IntelligenceSettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's labels, help texts and ranges, in the model's order.
        self.fields.update(forms.fields_for_model(IntelligenceSettings, fields=SETTINGS_FIELDS))

    @staticmethod
    def initial_for(row: IntelligenceSettings) -> dict[str, Any]:
        return {"version": row.version, **{name: getattr(row, name) for name in SETTINGS_FIELDS}}

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            "fields": {name: data[name] for name in SETTINGS_FIELDS},
        }
