"""The order 订单 pages: the list (filters, keyset pages), create with lines, detail, edit,
advance and cancel.

Reads go through ``selectors.orders`` (out of scope → 404); writes through
``services.orders`` (no right → 403; a refused rule such as a credit hold → the message on the
form; stale version → 409 with the conflict on the form). "Add line" posts the form back and
shows one more row, with htmx in place and without JavaScript as a whole page.
"""

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.formatting import format_money
from guanxi.core.htmx import is_partial
from guanxi.core.lists import ListColumn
from guanxi.core.selectors.pages import record_history
from guanxi.core.views.generic import (
    ObjectActionView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
    object_or_404,
    posted_version,
)
from guanxi.sales import rules
from guanxi.sales.forms.orders import OrderCancelForm, OrderEditForm, OrderFilterForm, OrderForm
from guanxi.sales.models import Order
from guanxi.sales.selectors import orders as selectors_orders
from guanxi.sales.services import orders as services_orders
from guanxi.sales.views.base import RefusedStatusMixin, customer_or_404, signed_in
from guanxi.sales.views.lines import LinesEditView, LinesFormView

ACTIVE_NAV = "orders"
NEW_ORDER_LINES = 2
# The order list's columns a reader may hide (the code, the customer and the total always show).
ORDER_COLUMNS = [
    ListColumn("order_date", gettext_lazy("Order date")),
    ListColumn("owner", gettext_lazy("Account manager")),
    ListColumn("status", gettext_lazy("Status")),
]


class OrderListView(ObjectListView):
    permission = rules.VIEW_ORDER
    active_nav = ACTIVE_NAV
    template_name = "sales/order_list.html"
    list_key = "orders"
    list_columns = ORDER_COLUMNS
    total_field = "total"
    total_label = gettext_lazy("Total of the matching orders")
    partial_template_name = "sales/partials/_order_table.html"
    ordering = selectors_orders.ORDER_ORDERING

    def get_filter_form(self, request: HttpRequest) -> Any:
        return OrderFilterForm(request.GET or None, actor=signed_in(request))

    def rows(self, request: HttpRequest, form: Any) -> Any:
        self.customer = None
        if form.is_bound and form.is_valid() and form.cleaned_data.get("customer"):
            self.customer = customer_or_404(request, form.cleaned_data["customer"])
        return selectors_orders.order_list(
            actor=signed_in(request), customer=self.customer, **form.query()
        )

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {"customer": self.customer, "partial": is_partial(request)}


class _OrderView(ObjectView):
    model = Order
    active_nav = ACTIVE_NAV
    context_object_name = "order"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors_orders.order_get, actor=signed_in(request), pk=pk)


class OrderDetailView(_OrderView):
    permission = rules.VIEW_ORDER
    http_method_names = ["get", "head", "options"]
    template_name = "sales/order_detail.html"

    def extra_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        return {
            "next_status": services_orders.TRANSITIONS.get(record.status),
            "history": record_history(instance=record, limit=30),
        }


class _OrderLinesView(_OrderView, LinesFormView):
    template_name = "sales/order_form.html"
    form_template_name = "sales/partials/_order_form.html"
    new_lines = NEW_ORDER_LINES


class OrderCreateView(_OrderLinesView):
    permission = rules.ADD_ORDER
    refused_status = 403  # a credit hold only a supervisor may override: said on the form
    customer = None

    def header_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is not None:
            return OrderForm(data, actor=signed_in(request))
        initial = {}
        if raw := request.GET.get("customer", ""):
            self.customer = customer_or_404(request, raw) if raw.isdigit() else None
            if self.customer is not None:
                initial = {
                    "customer": self.customer.pk,
                    "delivery_address": self.customer.address,
                }
        return OrderForm(initial=initial, actor=signed_in(request))

    def form_context(self, request: HttpRequest, form: Any, record: Any) -> dict[str, Any]:
        return {**super().form_context(request, form, record), "customer": self.customer}

    def save_lines(self, request: HttpRequest, form: Any, record: Any, lines: list[dict]) -> Any:
        values = form.values()
        return services_orders.order_create(
            actor=signed_in(request), customer=values.pop("customer"), lines=lines, **values
        )

    def success_message(self, record: Any) -> str:
        return _("Order %(code)s was created: %(total)s.") % {
            "code": record.code,
            "total": format_money(record.total),
        }


class OrderEditView(LinesEditView, _OrderLinesView):
    permission = rules.CHANGE_ORDER

    def locked_message(self, request: HttpRequest, record: Any) -> str:
        if record.is_editable:
            return ""
        return _("A %(status)s order cannot be changed any more.") % {
            "status": record.get_status_display().lower()
        }

    def header_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            return OrderEditForm(
                initial=OrderEditForm.initial_for(record), actor=signed_in(request)
            )
        return OrderEditForm(data, actor=signed_in(request))

    def form_context(self, request: HttpRequest, form: Any, record: Any) -> dict[str, Any]:
        return {**super().form_context(request, form, record), "customer": None}

    def save_lines(self, request: HttpRequest, form: Any, record: Any, lines: list[dict]) -> Any:
        return services_orders.order_update(
            actor=signed_in(request),
            order=record,
            expected_version=form.cleaned_data["version"],
            lines=lines,
            **form.values(),
        )

    def success_message(self, record: Any) -> str:
        return _("Order %(code)s was saved.") % {"code": record.code}


class OrderAdvanceView(_OrderView, ObjectActionView):
    permission = rules.CHANGE_ORDER

    def act(self, request: HttpRequest, record: Any, form: Any) -> Order:
        return services_orders.order_advance(
            actor=signed_in(request), order=record, expected_version=posted_version(request)
        )

    def success_message(self, record: Any) -> str:
        return _("Order %(code)s is now %(status)s.") % {
            "code": record.code,
            "status": record.get_status_display(),
        }


class OrderCancelView(RefusedStatusMixin, _OrderView, ObjectFormView):
    permission = rules.CHANGE_ORDER
    template_name = "sales/order_cancel.html"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return OrderCancelForm(data or None, initial={"version": record.version})

    def run(self, request: HttpRequest, form: Any, record: Any) -> Order:
        return services_orders.order_cancel(
            actor=signed_in(request),
            order=record,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )

    def success_message(self, record: Any) -> str:
        return _("Order %(code)s was cancelled.") % {"code": record.code}


order_list = OrderListView.as_view()
order_detail = OrderDetailView.as_view()
order_create = OrderCreateView.as_view()
order_edit = OrderEditView.as_view()
order_advance = OrderAdvanceView.as_view()
order_cancel = OrderCancelView.as_view()
