"""The customer pages 客户: list, detail, create, edit, delete, and adding a contact.

Reads go through the scoped selectors (out of scope → 404), writes through the services
(no right → 403, stale version → conflict shown on the form).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from guanxi.core.decorators import requires as _requires
from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form, render_form_page
from guanxi.core.pagination import paginate_request
from guanxi.customers.dedup import DuplicateError
from guanxi.customers.forms.customers import (
    ContactForm,
    CustomerCreateForm,
    CustomerEditForm,
    CustomerFilterForm,
)
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services import customers as services

ACTIVE_NAV = "customers"

# (sort key, header) of the list's sortable columns; the keys are selectors.CUSTOMER_SORTS keys.
SORTABLE_COLUMNS = [
    ("code", gettext_lazy("Code")),
    ("name", gettext_lazy("Name")),
    ("level", gettext_lazy("Level")),
    ("region", gettext_lazy("Region")),
    ("owner", gettext_lazy("Account manager")),
    ("status", gettext_lazy("Status")),
    ("credit_status", gettext_lazy("Credit status")),
]


def _customer_or_404(request, pk) -> Customer:
    try:
        return selectors.customer_get(actor=request.user, pk=pk)
    except Customer.DoesNotExist as missing:
        raise Http404 from missing


def _columns(sort: str) -> list[dict]:
    """Header links: a click sorts by the column, a second click reverses it."""
    columns = []
    for key, label in SORTABLE_COLUMNS:
        direction = "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
        columns.append(
            {
                "key": key,
                "label": label,
                "direction": direction,
                "next": f"-{key}" if sort == key else key,
            }
        )
    return columns


@_requires("customers.view_customer")
def customer_list(request):
    form = CustomerFilterForm(request.GET or None, actor=request.user)
    search, filters = form.query()
    sort = request.GET.get("sort", "")
    if sort not in selectors.CUSTOMER_SORTS:
        sort = selectors.DEFAULT_CUSTOMER_SORT
    customers = selectors.customer_list(
        actor=request.user, search=search, filters=filters, sort=sort
    )
    page = paginate_request(request, customers, ordering=selectors.CUSTOMER_SORTS[sort])
    context = {
        "active_nav": ACTIVE_NAV,
        "form": form,
        "page": page,
        "sort": sort,
        "columns": _columns(sort),
    }
    partial = is_partial(request)  # a history restore needs the page
    context["partial"] = partial
    template = "customers/partials/_table.html" if partial else "customers/customer_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@_requires("customers.view_customer")
def customer_detail(request, pk):
    from guanxi.customers.views.pool import readable_customer_or_404

    # A pool customer outside the viewer's scope is shown read-only (selectors_pool's rule).
    return customer_detail_page(request, readable_customer_or_404(request, pk))


@_requires("customers.view_customer")
def customer_completeness(request):
    """客户信息完整度 per account manager: how many key fields their customers have filled."""
    from guanxi.customers.models.customer import COMPLETENESS_FIELDS

    rows = selectors.completeness_by_owner(actor=request.user)
    fields = [Customer._meta.get_field(name).verbose_name for name in COMPLETENESS_FIELDS]
    return render(
        request,
        "customers/completeness.html",
        {"active_nav": "customers", "rows": rows, "fields": fields},
    )


def customer_detail_page(request, customer, *, comment_form=None, status=200):
    """The 360 page 客户统一视图: profile, contacts, key figures, timeline, comments, history."""
    from guanxi.customers.selectors import pool as selectors_pool
    from guanxi.customers.views.timeline import customer_360_context

    context = customer_360_context(request, customer, comment_form=comment_form)
    context["read_only"] = customer.owner_id is None and not selectors_pool.customer_in_scope(
        actor=request.user, customer=customer
    )
    return render(request, "customers/customer_detail.html", context, status=status)


def _render_form(request, form, customer=None, status=200, duplicates=None):
    return render_form_page(
        request,
        page_template="customers/customer_form.html",
        form_template="customers/partials/_customer_form.html",
        context={
            "active_nav": ACTIVE_NAV,
            "form": form,
            "customer": customer,
            "duplicates": duplicates,
        },
        status=status,
    )


@_requires("customers.add_customer")
@require_http_methods(["GET", "POST"])
def customer_create(request):
    if request.method != "POST":
        return _render_form(request, CustomerCreateForm(actor=request.user))
    form = CustomerCreateForm(request.POST, actor=request.user)
    duplicates = None
    if form.is_valid():
        try:
            customer = services.customer_create(
                actor=request.user,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                **form.values(),
            )
        except DuplicateError as error:
            duplicates = error.duplicates
            form.ask_confirmation()
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("Customer “%(name)s” was created.") % {"name": customer.name}
            )
            return redirect_after_form(request, customer.get_absolute_url())
    return _render_form(request, form, duplicates=duplicates)


@_requires("customers.change_customer")
@require_http_methods(["GET", "POST"])
def customer_edit(request, pk):
    customer = _customer_or_404(request, pk)
    if request.method != "POST":
        form = CustomerEditForm(
            initial=CustomerEditForm.initial_for(customer), actor=request.user, customer=customer
        )
        return _render_form(request, form, customer)
    form = CustomerEditForm(request.POST, actor=request.user, customer=customer)
    status = 200
    if form.is_valid():
        try:
            services.customer_update(
                actor=request.user,
                customer=customer,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError:
            form.add_error(
                None,
                _(
                    "Someone else changed this customer after you opened it, so nothing was saved. "
                    "Reload the page to see their changes, then make yours again."
                ),
            )
            status = 409
            customer = _customer_or_404(request, pk)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Customer “%(name)s” was saved.") % {"name": customer.name})
            return redirect_after_form(request, customer.get_absolute_url())
    return _render_form(request, form, customer, status=status)


@_requires("customers.delete_customer")
@require_http_methods(["GET", "POST"])
def customer_delete(request, pk):
    customer = _customer_or_404(request, pk)
    if request.method == "POST":
        version = request.POST.get("version", "")
        # A missing or garbled version can never match, so it is answered as a conflict.
        services.customer_delete(
            actor=request.user,
            customer=customer,
            expected_version=int(version) if version.isdigit() else 0,
        )
        messages.success(
            request,
            _("Customer “%(name)s” was moved to the recycle bin.") % {"name": customer.name},
        )
        return redirect("customers:list")
    return render(
        request,
        "customers/customer_confirm_delete.html",
        {"active_nav": ACTIVE_NAV, "customer": customer},
    )


@_requires("customers.add_contact")
@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    customer = _customer_or_404(request, pk)
    form = ContactForm(request.POST) if request.method == "POST" else ContactForm()
    if form.is_bound and form.is_valid():
        try:
            contact = services.contact_create(
                actor=request.user, customer=customer, **form.values()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Contact “%(name)s” was added.") % {"name": contact.name})
            return redirect_after_form(request, customer.get_absolute_url())
    return render_form_page(
        request,
        page_template="customers/contact_form.html",
        form_template="customers/partials/_contact_form.html",
        context={"active_nav": ACTIVE_NAV, "form": form, "customer": customer},
    )
