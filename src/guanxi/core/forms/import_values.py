"""The forms of the import pages' value step and profiles; they parse, services decide."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.distinct import LEAVE_EMPTY, NEW_ENTRY
from guanxi.core.imports.registry import DICT, OWNER
from guanxi.core.models import DictionaryEntry
from guanxi.core.services.import_values import ValueColumn

NOT_MAPPED = ""
EMPTY_CHOICE = "-"
NEW_CHOICE = "+"


def _targets(column: ValueColumn, users: list[tuple[int, str]]) -> list[tuple[str, str]]:
    kind = column.column.kind
    if kind == DICT:
        entries = DictionaryEntry.objects.filter(kind=column.column.dictionary).order_by(
            "-is_active", "sort_order", "code"
        )
        return [(str(entry.pk), entry.label) for entry in entries]
    if kind == OWNER:
        return [(str(pk), name) for pk, name in users]
    choices = column.column.choices
    return [(value, str(label)) for value, label in choices.choices] if choices else []


def active_users() -> list[tuple[int, str]]:
    """Everyone a value may be mapped to, by display name (one query)."""
    users = get_user_model()._default_manager.filter(is_active=True)
    return sorted(((user.pk, str(user)) for user in users), key=lambda pair: pair[1])


class ImportValuesForm(forms.Form):
    """One choice per distinct value of each list column: its target, nothing, or a new entry.

    Field ``v<column>_<value>`` chooses; the value's text travels in ``t<column>_<value>``
    and the column's field in ``c<column>``, so what is saved is what was shown.
    """

    def __init__(
        self, *args: Any, columns: list[ValueColumn], may_create: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        users = active_users() if any(c.column.kind == OWNER for c in columns) else []
        self.rows: list[list[tuple[Any, forms.BoundField]]] = []
        for c, column in enumerate(columns):
            self.fields[f"c{c}"] = forms.CharField(
                widget=forms.HiddenInput, initial=column.column.name
            )
            base = [
                (NOT_MAPPED, _("— not mapped (the row is refused) —")),
                (EMPTY_CHOICE, _("Leave empty")),
            ]
            targets = _targets(column, users)
            rows = []
            for v, value in enumerate(column.values):
                choices = list(base)
                if column.column.kind == DICT and may_create:
                    choices.append((NEW_CHOICE, _("New entry “%(value)s”") % {"value": value.text}))
                initial = (
                    NOT_MAPPED
                    if value.target is None
                    else EMPTY_CHOICE
                    if value.target == LEAVE_EMPTY
                    else str(value.target)
                )
                self.fields[f"t{c}_{v}"] = forms.CharField(
                    widget=forms.HiddenInput, initial=value.text, strip=False
                )
                self.fields[f"v{c}_{v}"] = forms.ChoiceField(
                    label=value.text,
                    choices=choices + targets,
                    required=False,
                    initial=initial,
                )
                rows.append((value, self[f"v{c}_{v}"]))
            self.rows.append(rows)

    def value_mapping(self) -> dict[str, dict[str, Any]]:
        """``{field: {text: target}}`` as chosen (values left unmapped are left out)."""
        mapping: dict[str, dict[str, Any]] = {}
        for c, column in enumerate(self.columns):
            name = self.cleaned_data.get(f"c{c}") or column.column.name
            chosen = mapping.setdefault(name, {})
            for v in range(len(column.values)):
                text = self.cleaned_data.get(f"t{c}_{v}") or ""
                choice = self.cleaned_data.get(f"v{c}_{v}") or NOT_MAPPED
                if not text.strip() or choice == NOT_MAPPED:
                    continue
                if choice == EMPTY_CHOICE:
                    chosen[text] = LEAVE_EMPTY
                elif choice == NEW_CHOICE:
                    chosen[text] = NEW_ENTRY
                elif column.column.kind in (DICT, OWNER):
                    chosen[text] = int(choice)
                else:
                    chosen[text] = choice
        return {name: targets for name, targets in mapping.items() if targets}


class ImportProfileForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Profile name"), max_length=80)
    shared = forms.BooleanField(
        label=gettext_lazy("Share with everyone who imports"), required=False
    )
