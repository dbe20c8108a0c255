"""Forms of the interaction and document pages; they parse input, the services decide."""

import datetime
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms.pickers import PickerField
from guanxi.customers.models import Document, Interaction
from guanxi.customers.services.documents import allowed_extensions, max_upload_bytes


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


def _accept() -> str:
    # A hint for the browser's file picker only; the service checks every file itself.
    return ",".join(f".{extension}" for extension in allowed_extensions())


def _upload_help() -> str:
    return _("Up to %(size)d MB each. Allowed types: %(types)s.") % {
        "size": max_upload_bytes() // (1024 * 1024),
        "types": ", ".join(allowed_extensions()),
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``; a list, possibly empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": _accept()}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label=_label(Interaction, "kind"), choices=Interaction.Kind.choices)
    occurred_at = forms.DateTimeField(
        label=_label(Interaction, "occurred_at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    # Typed and chosen among the customer's contacts (the picker's scope narrowed to them).
    contact = PickerField("contact", label=_label(Interaction, "contact"), required=False)
    place = forms.CharField(label=_label(Interaction, "place"), max_length=200, required=False)
    summary = forms.CharField(label=_label(Interaction, "summary"), max_length=200)
    details = forms.CharField(
        label=_label(Interaction, "details"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, actor, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        cast(PickerField, self.fields["contact"]).bind(actor, queryset=contacts)
        self.fields["attachments"].help_text = _upload_help()
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class InteractionEditForm(InteractionForm):
    # The version the editor read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @staticmethod
    def initial_for(interaction: Interaction) -> dict:
        return {
            "kind": interaction.kind,
            "occurred_at": timezone.localtime(interaction.occurred_at),
            "contact": interaction.contact_id,
            "place": interaction.place,
            "summary": interaction.summary,
            "details": interaction.details,
            "version": interaction.version,
        }


class InteractionFilterForm(forms.Form):
    """The filters of the interactions list; invalid ones are shown and left out."""

    kind = forms.ChoiceField(
        label=_label(Interaction, "kind"),
        choices=[("", _("All kinds")), *Interaction.Kind.choices],
        required=False,
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    customer = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )

    def query(self) -> dict:
        """Keyword arguments for the activity selectors' interaction_list (dates as local days)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        query: dict = {}
        if data.get("kind"):
            query["kind"] = data["kind"]
        if data.get("date_from"):
            query["occurred_from"] = _day_start(data["date_from"])
        if data.get("date_to"):
            query["occurred_to"] = _day_start(data["date_to"] + datetime.timedelta(days=1))
        return query


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput())
    title = forms.CharField(
        label=_label(Document, "title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    category = forms.ChoiceField(
        label=_label(Document, "category"),
        choices=Document.Category.choices,
        initial=Document.Category.OTHER,
    )
    description = forms.CharField(
        label=_label(Document, "description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = _accept()
        self.fields["file"].help_text = _upload_help()


class DocumentVersionForm(forms.Form):
    file = forms.FileField(label=_("New version"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = _accept()
        self.fields["file"].help_text = _upload_help()
