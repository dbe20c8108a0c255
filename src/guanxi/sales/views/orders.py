"""The order 订单 pages: the list (filters, keyset pages), create with lines, detail, edit,
advance and cancel.

Reads go through selectors_orders (out of scope → 404); writes through services_orders (no
right → 403; a refused rule such as a credit hold → the message on the form; stale version →
409 with the conflict on the form). "Add line" posts the form back and shows one more row,
with htmx in place and without JavaScript as a whole page.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form, render_form_page
from guanxi.core.pagination import paginate_request
from guanxi.core.selectors.pages import record_history
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customers as customer_selectors
from guanxi.customers.views.customers import _requires
from guanxi.sales.forms.orders import (
    OrderCancelForm,
    OrderEditForm,
    OrderFilterForm,
    OrderForm,
    line_formset,
)
from guanxi.sales.models import Order
from guanxi.sales.selectors import orders as selectors_orders
from guanxi.sales.services import orders as services_orders
from guanxi.sales.views.lines import (
    add_line_requested,
    edit_with_lines,
    posted_version,
    with_one_more_line,
)

ACTIVE_NAV = "orders"
NEW_ORDER_LINES = 2


def _conflict_message() -> str:
    return _(
        "Someone else changed this order after you opened it, so nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    )


def _order_or_404(request, pk) -> Order:
    try:
        return selectors_orders.order_get(actor=request.user, pk=pk)
    except Order.DoesNotExist as missing:
        raise Http404 from missing


def _customer_or_404(request, pk) -> Customer:
    try:
        return customer_selectors.customer_get(actor=request.user, pk=pk)
    except (Customer.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


@_requires("sales.view_order")
@require_GET
def order_list(request):
    form = OrderFilterForm(request.GET or None, actor=request.user)
    query = form.query()
    customer = None
    if form.is_bound and form.is_valid() and form.cleaned_data.get("customer"):
        customer = _customer_or_404(request, form.cleaned_data["customer"])
    orders = selectors_orders.order_list(actor=request.user, customer=customer, **query)
    page = paginate_request(request, orders, ordering=selectors_orders.ORDER_ORDERING)
    partial = is_partial(request)  # a history restore needs the page
    context = {
        "active_nav": ACTIVE_NAV,
        "form": form,
        "page": page,
        "customer": customer,
        "partial": partial,
    }
    template = "sales/partials/_order_table.html" if partial else "sales/order_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@_requires("sales.view_order")
@require_GET
def order_detail(request, pk):
    order = _order_or_404(request, pk)
    return render(
        request,
        "sales/order_detail.html",
        {
            "active_nav": ACTIVE_NAV,
            "order": order,
            "next_status": services_orders.TRANSITIONS.get(order.status),
            "history": record_history(instance=order, limit=30),
        },
    )


def _render_form(request, *, form, lines, order=None, customer=None, status=200):
    return render_form_page(
        request,
        page_template="sales/order_form.html",
        form_template="sales/partials/_order_form.html",
        context={
            "active_nav": ACTIVE_NAV,
            "form": form,
            "lines": lines,
            "order": order,
            "customer": customer,
        },
        status=status,
    )


@_requires("sales.add_order")
@require_http_methods(["GET", "POST"])
def order_create(request):
    customer = None
    if request.method != "POST":
        initial = {}
        if raw := request.GET.get("customer", ""):
            customer = _customer_or_404(request, raw) if raw.isdigit() else None
            if customer is not None:
                initial = {"customer": customer.code, "delivery_address": customer.address}
        form = OrderForm(initial=initial, actor=request.user)
        lines = line_formset(actor=request.user, extra=NEW_ORDER_LINES)
        return _render_form(request, form=form, lines=lines, customer=customer)
    form = OrderForm(request.POST, actor=request.user)
    if add_line_requested(request):
        form.is_valid()  # show what was typed, errors included
        return _render_form(request, form=form, lines=with_one_more_line(request))
    lines = line_formset(request.POST, actor=request.user)
    status = 200
    if form.is_valid() and lines.is_valid():
        values = form.values()
        try:
            order = services_orders.order_create(
                actor=request.user,
                customer=values.pop("customer"),
                lines=lines.lines(),
                **values,
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
            status = 403
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Order %(code)s was created: %(total)s.")
                % {"code": order.code, "total": f"¥{order.total}"},
            )
            return redirect_after_form(request, order.get_absolute_url())
    return _render_form(request, form=form, lines=lines, status=status)


@_requires("sales.change_order")
@require_http_methods(["GET", "POST"])
def order_edit(request, pk):
    order = _order_or_404(request, pk)
    return edit_with_lines(
        request,
        record=order,
        form_class=OrderEditForm,
        render=partial(_render_form, request, order=order),
        update=partial(services_orders.order_update, actor=request.user, order=order),
        saved_message=_("Order %(code)s was saved.") % {"code": order.code},
        locked_message=_("A %(status)s order cannot be changed any more.")
        % {"status": order.get_status_display().lower()},
        conflict_message=_conflict_message(),
    )


@_requires("sales.change_order")
@require_POST
def order_advance(request, pk):
    order = _order_or_404(request, pk)
    try:
        services_orders.order_advance(
            actor=request.user, order=order, expected_version=posted_version(request)
        )
    except ConflictError:
        messages.error(request, _conflict_message())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Order %(code)s is now %(status)s.")
            % {"code": order.code, "status": order.get_status_display()},
        )
    return redirect(order.get_absolute_url())


@_requires("sales.change_order")
@require_http_methods(["GET", "POST"])
def order_cancel(request, pk):
    order = _order_or_404(request, pk)
    form = OrderCancelForm(request.POST or None, initial={"version": order.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services_orders.order_cancel(
                actor=request.user,
                order=order,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
            status = 422
        else:
            messages.success(request, _("Order %(code)s was cancelled.") % {"code": order.code})
            return redirect_after_form(request, order.get_absolute_url())
    return render(
        request,
        "sales/order_cancel.html",
        {"active_nav": ACTIVE_NAV, "order": order, "form": form},
        status=status,
    )
