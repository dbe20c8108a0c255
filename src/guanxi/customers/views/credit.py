"""The credit control page 信用冻结: put a customer's credit on hold or lift the hold.

Offered on the 360 page to administrators and the supervisor of the customer's team; anyone
else gets a 403 (``rules.SET_CREDIT_HOLD``), a customer outside the scope a 404. The write is
``services.credit.customer_credit_hold_set``.
"""

from typing import Any, ClassVar

from django import forms
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from guanxi.core.views.generic import ObjectFormView
from guanxi.customers import rules
from guanxi.customers.forms.credit import CreditHoldForm
from guanxi.customers.models import Customer
from guanxi.customers.services import credit as services_credit
from guanxi.customers.views.base import signed_in
from guanxi.customers.views.customers import CustomerPageMixin


class CreditHoldView(CustomerPageMixin, ObjectFormView):
    permission = rules.CHANGE_CUSTOMER
    object_permission: ClassVar[str | None] = rules.SET_CREDIT_HOLD
    form_class = CreditHoldForm
    template_name = "customers/credit_hold_form.html"
    form_template_name = "customers/partials/_credit_hold_form.html"

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        assert isinstance(record, Customer)
        if data is None:
            return CreditHoldForm(initial=CreditHoldForm.initial_for(record))
        return CreditHoldForm(data)

    def render_form(
        self, request: HttpRequest, form: forms.Form, record: Model | None, status: int = 200
    ) -> HttpResponse:
        if record is not None:
            # The customer as it is now: a refused save may have left the read copy changed.
            record = self.get_checked_object(request, record.pk)
        return super().render_form(request, form, record, status)

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        on_hold = bool(form.fields["on_hold"].to_python(form["on_hold"].value()))
        title = _("Put the credit on hold") if on_hold else _("Lift the credit hold")
        return {"on_hold": on_hold, "title": title}

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, Customer)
        return services_credit.customer_credit_hold_set(
            actor=signed_in(request),
            customer=record,
            on_hold=form.cleaned_data["on_hold"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )

    def success_message(self, record: Any) -> str:
        if record.on_credit_hold:
            return _("The credit of “%(name)s” is on hold.") % {"name": record.name}
        return _("The credit hold of “%(name)s” was lifted.") % {"name": record.name}


credit_hold = CreditHoldView.as_view()
