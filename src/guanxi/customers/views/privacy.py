"""A person's rights over their data (PIPL/GDPR) on the pages: the subject-access export
(a zip download) and anonymisation (a confirm page: reason, and the name typed again).

Offered on the customer's page for a person customer and on each contact, to holders of
``rules.EXPORT_PERSONAL_DATA`` / ``rules.ANONYMISE_PERSONAL_DATA`` (403 otherwise); a record
outside the reader's scope is a 404. The rules and the writes are ``services.privacy``'s.
"""

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guanxi.core.decorators import requires
from guanxi.core.export import content_disposition
from guanxi.core.views.generic import ObjectFormView, object_or_404
from guanxi.customers import rules
from guanxi.customers.forms.privacy import AnonymiseForm
from guanxi.customers.models import Contact, Customer
from guanxi.customers.personal_data import ZIP_CONTENT_TYPE
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services import privacy as services_privacy
from guanxi.customers.views.base import scoped_customer, signed_in

ACTIVE_NAV = "customers"


def personal_data_response(export: services_privacy.PersonalDataExport) -> HttpResponse:
    response = HttpResponse(export.content, content_type=ZIP_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(export.filename)
    response["Cache-Control"] = "no-store"
    return response


def _scoped_contact(request: HttpRequest, pk: Any) -> Contact:
    contact = object_or_404(selectors.contact_get, actor=signed_in(request), pk=pk)
    assert isinstance(contact, Contact)
    return contact


@requires(rules.VIEW_CUSTOMER, rules.EXPORT_PERSONAL_DATA)
@require_GET
def customer_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    customer = scoped_customer(request, pk)
    try:
        export = services_privacy.customer_personal_data_export(
            actor=signed_in(request), customer=customer, request=request
        )
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(customer)
    return personal_data_response(export)


@requires(rules.VIEW_CONTACT, rules.EXPORT_PERSONAL_DATA)
@require_GET
def contact_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _scoped_contact(request, pk)
    export = services_privacy.contact_personal_data_export(
        actor=signed_in(request), contact=contact, request=request
    )
    return personal_data_response(export)


class _AnonymiseView(ObjectFormView):
    context_object_name: ClassVar[str] = "subject"
    active_nav: ClassVar[str] = ACTIVE_NAV
    template_name = "customers/anonymise_confirm.html"

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        return AnonymiseForm(data, expected_name=str(getattr(record, "name", "")))

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        customer = record if isinstance(record, Customer) else getattr(record, "customer", None)
        return {
            "customer": customer,
            "is_contact": isinstance(record, Contact),
            "allowed": rules.may_anonymise_personal_data(signed_in(request), record),
        }

    def success_url(self, request: HttpRequest, record: Model) -> str:
        customer = record if isinstance(record, Customer) else getattr(record, "customer")  # noqa: B009
        return str(customer.get_absolute_url())

    def success_message(self, record: Model) -> str:
        return _("The personal data was anonymised: “%(name)s” is all that remains.") % {
            "name": getattr(record, "name", "")
        }


class CustomerAnonymiseView(_AnonymiseView):
    model = Customer
    permission = rules.ANONYMISE_PERSONAL_DATA

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return scoped_customer(request, pk)

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, Customer)
        return services_privacy.customer_anonymise(
            actor=signed_in(request),
            customer=record,
            reason=form.cleaned_data["reason"],
            request=request,
        )


class ContactAnonymiseView(_AnonymiseView):
    model = Contact
    permission = rules.ANONYMISE_PERSONAL_DATA

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return _scoped_contact(request, pk)

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, Contact)
        return services_privacy.contact_anonymise(
            actor=signed_in(request),
            contact=record,
            reason=form.cleaned_data["reason"],
            request=request,
        )


customer_anonymise = CustomerAnonymiseView.as_view()
contact_anonymise = ContactAnonymiseView.as_view()
