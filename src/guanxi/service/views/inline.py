"""The service type 服务类型 of a request edited in place on the queue (core.views.inline).

The save goes through ``service_request_update`` with the version the cell was opened at:
only new or assigned requests change, the promised times follow the new type. A reader
``can_edit_request`` refuses gets no edit button on the queue and a 403 here.
"""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.models import DictionaryEntry
from guanxi.core.views.generic import object_or_404
from guanxi.core.views.inline import InlineEditForm, InlineEditView
from guanxi.service import rules
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors import requests as selectors
from guanxi.service.services import requests as services
from guanxi.service.views.requests import actor_of


class ServiceTypeForm(InlineEditForm):
    value = forms.ModelChoiceField(
        label=gettext_lazy("Service type"), queryset=DictionaryEntry.objects.none()
    )


class ServiceTypeInlineView(InlineEditView):
    model = ServiceRequest
    permission = rules.CHANGE_SERVICEREQUEST
    field = "service_type"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors.service_request_get, actor=actor_of(request), pk=pk)

    def get_checked_object(self, request: HttpRequest, pk: Any) -> Model:
        record = super().get_checked_object(request, pk)
        if not rules.can_edit_request(request.user, record):
            raise PermissionDenied
        return record

    def make_form(self, request: HttpRequest, record: Model, data: Any = None) -> forms.Form:
        assert isinstance(record, ServiceRequest)
        form = ServiceTypeForm(
            data,
            initial={"value": record.service_type_id, "version": record.version},
            auto_id=f"inline-service_type-{record.pk}-%s",
        )
        choice = form.fields["value"]
        assert isinstance(choice, forms.ModelChoiceField)
        choice.queryset = selectors.service_type_choices(current=record.service_type)
        return form

    def display(self, record: Model) -> str:
        assert isinstance(record, ServiceRequest)
        return record.service_type.label if record.service_type_id else "—"

    def save(self, request: HttpRequest, record: Model, value: Any, version: int) -> Model:
        assert isinstance(record, ServiceRequest)
        return services.service_request_update(
            actor=actor_of(request),
            service_request=record,
            expected_version=version,
            service_type=value,
        )

    def label(self) -> str:
        return str(_("Service type"))

    def url(self, record: Model) -> str:
        return reverse("service:inline_service_type", args=[record.pk])


service_type_inline = ServiceTypeInlineView.as_view()
