"""Forms of the core pages; they only parse input, the services decide what is allowed."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Field

from guanxi.core.models import DictionaryEntry, DictionaryKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _label(name: str) -> "StrOrPromise":
    return cast("Field[Any, Any]", DictionaryEntry._meta.get_field(name)).verbose_name


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field if there is one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def submitted(request, form: forms.Form, save):
    """On a valid POST run ``save()`` (a service call) and return what it returns.

    A service's ValidationError lands on the form instead; ``None`` means "show the form again".
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save()
    except ValidationError as error:
        apply_validation_error(form, error)
        return None


class DictionaryEntryForm(forms.Form):
    """The editable values of a dictionary entry."""

    code = forms.SlugField(label=_label("code"), max_length=64)
    name_zh = forms.CharField(label=_label("name_zh"), max_length=100)
    name_en = forms.CharField(label=_label("name_en"), max_length=100)
    sort_order = forms.IntegerField(label=_label("sort_order"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_label("is_active"), required=False, initial=True)


class DictionaryEntryCreateForm(DictionaryEntryForm):
    kind = forms.ChoiceField(label=_label("kind"), choices=DictionaryKind.choices)

    field_order = ["kind", "code", "name_zh", "name_en", "sort_order", "is_active"]


class DictionaryEntryEditForm(DictionaryEntryForm):
    # The version the editor read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
