"""Editing one simple field of a record in place on a list (htmx), through its service.

``GET`` answers the field's small form in place of the cell (``?cancel=1``: the cell again);
``POST`` saves through the service with the version the form was opened with, then answers
the cell with the new value. A stale version (someone saved in between) answers 409 with the
form, the conflict message and the record's current value; a refused value answers the form
with the service's message naming the field. Without the record's change right: 403, and the
list shows no edit button. The record comes from the scoped selector (404 outside it).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core.exceptions import ConflictError
from guanxi.core.views.generic import ObjectView, conflict_message

CELL_TEMPLATE = "core/partials/_inline_cell.html"
FORM_TEMPLATE = "core/partials/_inline_form.html"


class InlineEditForm(forms.Form):
    """The edited value (subclasses define ``value``) and the version it was read at."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class InlineEditView(ObjectView):
    """Subclasses name the ``field`` and define ``make_form``, ``display``, ``save``, ``url``."""

    http_method_names = ["get", "post", "options"]
    field: ClassVar[str]

    def make_form(self, request: HttpRequest, record: Model, data: Any = None) -> forms.Form:
        raise NotImplementedError

    def display(self, record: Model) -> str:
        return str(getattr(record, self.field) or "—")

    def save(self, request: HttpRequest, record: Model, value: Any, version: int) -> Model:
        raise NotImplementedError

    def url(self, record: Model) -> str:
        raise NotImplementedError

    def label(self) -> str:
        return str(getattr(self.model._meta.get_field(self.field), "verbose_name", self.field))

    def cell(self, request: HttpRequest, record: Model) -> HttpResponse:
        context = {
            "inline_field": self.field,
            "inline_pk": record.pk,
            "inline_value": self.display(record),
            "inline_url": self.url(record),
            "inline_label": self.label(),
            "can_edit": True,
        }
        return render(request, CELL_TEMPLATE, context)

    def form_page(
        self,
        request: HttpRequest,
        record: Model,
        form: forms.Form,
        status: int = 200,
        conflict: str = "",
    ) -> HttpResponse:
        context = {
            "form": form,
            "conflict": conflict,
            "inline_field": self.field,
            "inline_pk": record.pk,
            "inline_url": self.url(record),
            "inline_label": self.label(),
        }
        return render(request, FORM_TEMPLATE, context, status=status)

    def get(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_checked_object(request, pk)
        if request.GET.get("cancel"):
            return self.cell(request, record)
        return self.form_page(request, record, self.make_form(request, record))

    def post(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_checked_object(request, pk)
        form = self.make_form(request, record, request.POST)
        if not form.is_valid():
            return self.form_page(request, record, form, status=422)
        try:
            saved = self.save(
                request, record, form.cleaned_data["value"], form.cleaned_data["version"]
            )
        except ConflictError:
            # The form again with the value and version saved meanwhile, ready for a retry.
            current = self.get_checked_object(request, pk)
            fresh = self.make_form(request, current)
            return self.form_page(
                request, current, fresh, status=409, conflict=conflict_message(self.model)
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("value", message)
            return self.form_page(request, record, form, status=422)
        return self.cell(request, saved)
