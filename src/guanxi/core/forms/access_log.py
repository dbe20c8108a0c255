"""The filters of the sensitive-access log, shared by its page and ``GET /api/audit/access/``."""

from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import AccessLogEntry


def _record_types() -> list[tuple[str, str]]:
    """``app_label.model`` of Guanxi's own models, labelled with their translated names."""
    choices = [
        (model._meta.label_lower, str(capfirst(model._meta.verbose_name)))
        for config in apps.get_app_configs()
        if config.name.startswith("guanxi.")
        for model in config.get_models()
        if not model._meta.label_lower.split(".")[1].startswith("historical")
    ]
    return [("", "—"), *sorted(choices, key=lambda choice: choice[1])]


class AccessLogFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *AccessLogEntry.Kind.choices], required=False
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target_type = forms.ChoiceField(label=_("Record type"), choices=_record_types, required=False)
    target_id = forms.IntegerField(
        label=_("Record id"), required=False, min_value=1, max_value=2**63 - 1
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def query(self) -> dict[str, Any]:
        """Keyword arguments for ``access_log_list`` from the valid fields."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        query: dict[str, Any] = {
            "user_id": data["user"].pk if data.get("user") else None,
            "kind": data.get("kind") or None,
            "since": data.get("since"),
            "until": data.get("until"),
            "target_id": data.get("target_id"),
        }
        if data.get("target_type"):
            app_label, model = data["target_type"].split(".", 1)
            query["target_type"] = ContentType.objects.get_by_natural_key(app_label, model)
        return query
