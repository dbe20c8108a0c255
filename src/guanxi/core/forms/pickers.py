"""The autocomplete picker of forms: choose a record by typing its name, code, phone or pinyin.

``PickerField("customer")`` is a ``ModelChoiceField`` whose choices are the acting user's
scoped records of a registered kind (``core.pickers``); the form binds it to the actor with
:func:`bind_pickers`. An id outside that scope is a field error, never a 500.

The widget posts two values: ``<name>`` (the chosen id, filled in by ``static/guanxi/picker.js``)
and ``<name>_text`` (what the box shows). Without JavaScript, or when the text no longer is the
chosen record's name, the text is searched on the server: one match is taken, none or several
are a field error that says so. So the form works without the script, and nobody has to know
an internal code.
"""

from typing import Any, NamedTuple

from django import forms
from django.db.models import Model
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from guanxi.core.pickers import PickerKind, PickerOption, picker_kind

TEXT_SUFFIX = "_text"


class PickerValue(NamedTuple):
    """What a picker posted: the chosen id (may be empty) and the text in the box (``None``
    when no box was posted, e.g. by a script posting the id alone)."""

    id: str
    text: str | None


def _option_attrs(option: PickerOption | None) -> SafeString:
    if option is None:
        return SafeString("")
    return format_html_join(
        "", ' data-{}="{}"', ((name, value) for name, value in option.data.items())
    )


class PickerWidget(forms.Widget):
    """A combobox (text box + list box) over a hidden id; see ``static/guanxi/picker.js``."""

    def __init__(self, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind
        # Set by PickerField.bind: words the current value (an id or a record) for the box.
        self.describe: Any = None
        # The kind's narrowing parameters (``PickerKind.params``) the endpoint is asked with.
        self.params: dict[str, Any] = {}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> PickerValue:
        text = data.get(name + TEXT_SUFFIX)
        return PickerValue(
            str(data.get(name, "") or "").strip(), None if text is None else str(text)
        )

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + TEXT_SUFFIX not in data

    def _current(self, value: Any) -> tuple[str, str, PickerOption | None]:
        """(id, text, option) to show for ``value``: a PickerValue, an id or a record."""
        if isinstance(value, PickerValue):
            option = self.describe(value.id) if value.id and self.describe else None
            text = value.text or ""
            if option is not None and value.text is not None and text.strip() != option.label:
                # The text was changed after choosing (no script): show what was typed.
                return "", text, None
            return value.id, option.label if option else text, option
        if value in (None, ""):
            return "", "", None
        option = self.describe(value) if self.describe else None
        return str(getattr(value, "pk", value)), option.label if option else "", option

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        kind: PickerKind = picker_kind(self.kind)
        final = self.build_attrs(self.attrs, attrs or {})
        box_id = final.pop("id", f"id_{name}")
        pk, text, option = self._current(value)
        extra = format_html_join(
            "",
            " {}{}",
            (
                (key, "" if val is True else format_html('="{}"', val))
                for key, val in final.items()
                if val not in (None, False)
            ),
        )
        return format_html(
            '<div class="picker" data-picker="{kind}" data-picker-url="{url}"'
            ' data-picker-min="{min}" data-picker-empty="{empty}">'
            '<input type="hidden" name="{name}" value="{pk}" data-picker-value{data}>'
            '<input type="text" name="{name}{suffix}" id="{box}" value="{text}"'
            ' autocomplete="off" spellcheck="false" role="combobox" aria-autocomplete="list"'
            ' aria-expanded="false" aria-controls="{box}_listbox"'
            ' aria-describedby="{box}_detail" placeholder="{placeholder}"'
            " data-picker-input{extra}>"
            '<ul class="picker-list" id="{box}_listbox" role="listbox" hidden'
            ' aria-label="{label}" data-picker-list></ul>'
            '<span class="picker-detail muted" id="{box}_detail" data-picker-detail>{detail}</span>'
            "</div>",
            kind=kind.key,
            url=reverse("core:pick", args=[kind.key])
            + (f"?{urlencode(self.params)}" if self.params else ""),
            min=kind.min_length,
            empty=_("Nothing found."),
            name=name,
            pk=pk,
            data=_option_attrs(option),
            suffix=TEXT_SUFFIX,
            box=box_id,
            text=text,
            placeholder=kind.placeholder,
            extra=extra,
            label=kind.label,
            detail=option.detail if option else "",
        )


class PickerField(forms.ModelChoiceField):
    """A record of kind ``kind`` chosen with a picker, checked against the actor's scope.

    ``bind(actor)`` (or :func:`bind_pickers` for a whole form) sets the choosable records: the
    kind's scoped queryset, or ``queryset`` when the form narrows it further. ``known`` holds
    records already read (by pk) that are within that queryset, to check many lines at once.
    """

    widget = PickerWidget

    def __init__(self, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PickerWidget(kind))
        super().__init__(queryset=None, **kwargs)
        self.kind = kind
        self.actor: Any = None
        self.known: dict[int, Model] = {}
        self.error_messages = {
            **self.error_messages,
            "invalid_choice": _("Choose one from the list: this one is not available to you."),
        }

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = super().__deepcopy__(memo)  # type: ignore[misc]  # (missing from the stubs)
        result.known = dict(self.known)
        return result

    def bind(self, actor: Any, *, queryset: Any = None) -> "PickerField":
        self.actor = actor
        picker = picker_kind(self.kind)
        self.queryset = queryset if queryset is not None else picker.queryset(actor)
        cast_widget: PickerWidget = self.widget  # type: ignore[assignment]
        cast_widget.describe = self.describe
        return self

    def _record(self, pk: Any) -> Model | None:
        try:
            key = int(pk)
        except (TypeError, ValueError):
            return None
        if key in self.known:
            return self.known[key]
        if self.queryset is None:
            return None
        record = self.queryset.filter(pk=key).first()
        if record is not None:
            self.known[key] = record
        return record

    def describe(self, value: Any) -> PickerOption | None:
        """The option showing ``value`` (an id or a record) to the actor, if it is in scope."""
        record = value if isinstance(value, Model) else self._record(value)
        if record is None or self.actor is None:
            return None
        return picker_kind(self.kind).option(self.actor, record, None)

    def prepare_value(self, value: Any) -> Any:
        return value if isinstance(value, PickerValue) else super().prepare_value(value)

    def to_python(self, value: Any) -> Model | None:
        if not isinstance(value, PickerValue):
            value = PickerValue("" if value in self.empty_values else str(value), None)
        if value.id and not value.id.isdigit():
            # Not an id (a code or name posted by a script or an old form): searched as text.
            value = PickerValue("", value.id)
        text = (value.text or "").strip()
        if value.id:
            record = self._record(value.id)
            if record is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
            option = self.describe(record)
            if value.text is None or option is None or text == option.label:
                return record
            # The box was changed after choosing, without the script: emptied means no record,
            # other text is searched.
        if not text:
            return None
        return self._search(text)

    def _search(self, text: str) -> Model:
        picker = picker_kind(self.kind)
        widget: PickerWidget = self.widget  # type: ignore[assignment]
        narrowing = {name: str(widget.params.get(name, "")) for name in picker.params}
        found = [record.pk for record in picker.search(self.actor, text, 5, **narrowing)]
        matches = list(self.queryset.filter(pk__in=found)[:2]) if found and self.queryset else []
        if not matches:
            raise forms.ValidationError(
                _("Nothing matches “%(text)s”: type a name or code, then choose."),
                code="no_match",
                params={"text": text},
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Several match “%(text)s”: type more of the name or the code."),
                code="several",
                params={"text": text},
            )
        return matches[0]

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        if not isinstance(data, PickerValue):
            return super().has_changed(initial, data)
        initial_id = str(self.prepare_value(initial) or "") if initial not in (None, "") else ""
        if data.id:
            return data.id != initial_id
        return bool((data.text or "").strip()) or bool(initial_id)

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)


def bind_pickers(form: forms.BaseForm, actor: Any) -> None:
    """Bind every picker of ``form`` to ``actor`` (call in the form's ``__init__``)."""
    for field in form.fields.values():
        if isinstance(field, PickerField) and field.actor is None:
            field.bind(actor)
