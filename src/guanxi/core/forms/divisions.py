"""The 省 → 市 → 区县 choosers of a form: each offers the divisions within the level above,
and choosing one asks the server (htmx) for the choices of the next level.

Without JavaScript the form still works: a city outside the chosen province is a field error,
and the form comes back with that province's cities.
"""

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import Division
from guanxi.core.selectors.divisions import DIVISION_FIELDS, division_children, province_list

# The next level each chooser refreshes (the one after it is emptied with it).
_NEXT = {"province": "city", "city": "district"}


def _code(value: Any) -> str:
    if isinstance(value, Division):
        return value.code
    return str(value or "")


def division_fields_bind(form: forms.BaseForm, *, initial: Mapping[str, Any] | None = None) -> None:
    """Limit the form's province/city/district choices to the levels chosen above them (from
    the posted data, or ``initial`` values or codes) and wire the cascade."""
    source: Mapping[str, Any] = form.data if form.is_bound else (initial or form.initial)
    parents = {
        "province": None,
        "city": _code(source.get("province")),
        "district": _code(source.get("city")),
    }
    url = reverse("core:division_options")
    for name in DIVISION_FIELDS:
        field = cast(forms.ModelChoiceField, form.fields.get(name))
        if field is None:
            continue
        field.queryset = (
            province_list() if name == "province" else division_children(parent=parents[name])
        )
        field.empty_label = "—"
        if name in _NEXT and _NEXT[name] in form.fields:
            target = form[_NEXT[name]].auto_id
            field.widget.attrs.update(
                {
                    "hx-get": url,
                    "hx-trigger": "change",
                    "hx-target": f"#{target}",
                    "hx-swap": "outerHTML",
                    # Only this chooser's value: the form's other fields are not the server's
                    # business here.
                    "hx-params": name,
                    "aria-controls": target,
                }
            )


class DivisionsForm(forms.Form):
    """The three choosers alone: what the htmx endpoint renders for the next level."""

    province = forms.ModelChoiceField(Division.objects.none(), label=_("Province"), required=False)
    city = forms.ModelChoiceField(Division.objects.none(), label=_("City"), required=False)
    district = forms.ModelChoiceField(Division.objects.none(), label=_("District"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        division_fields_bind(self)


class ProvinceRegionsForm(forms.Form):
    """One sales-region chooser per province (the settings page 大区划分)."""

    def __init__(self, *args: Any, links: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.links = list(links)
        for link in self.links:
            self.fields[link.province_id] = forms.ModelChoiceField(
                regions,
                label=link.province.name,
                required=False,
                empty_label="—",
                initial=link.region_id,
            )

    def regions(self) -> dict[str, Any]:
        return {link.province_id: self.cleaned_data.get(link.province_id) for link in self.links}
