"""The product 产品 and inventory 库存 pages: list with search and category, detail, create and
edit (catalogue right: administrators and sales supervisors), and the stock query page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import redirect_after_form
from guanxi.core.pagination import paginate_request
from guanxi.core.selectors.pages import record_history
from guanxi.customers.views.customers import _requires
from guanxi.sales.forms.products import (
    InventoryFilterForm,
    ProductEditForm,
    ProductFilterForm,
    ProductForm,
)
from guanxi.sales.models import Product
from guanxi.sales.selectors import products as selectors_products
from guanxi.sales.services import products as services_products

ACTIVE_NAV = "products"


def _product_or_404(request, pk) -> Product:
    try:
        return selectors_products.product_get(actor=request.user, pk=pk)
    except Product.DoesNotExist as missing:
        raise Http404 from missing


@_requires("sales.view_product")
@require_GET
def product_list(request):
    form = ProductFilterForm(request.GET or None, actor=request.user)
    products = selectors_products.product_list(actor=request.user, **form.query())
    page = paginate_request(request, products, ordering=selectors_products.PRODUCT_ORDERING)
    return render(
        request,
        "sales/product_list.html",
        {"active_nav": ACTIVE_NAV, "form": form, "page": page},
    )


@_requires("sales.view_product")
@require_GET
def product_detail(request, pk):
    product = _product_or_404(request, pk)
    stock = selectors_products.inventory_list(actor=request.user, product=product)
    return render(
        request,
        "sales/product_detail.html",
        {
            "active_nav": ACTIVE_NAV,
            "product": product,
            "stock": stock,
            "history": record_history(instance=product, limit=20),
        },
    )


def _render_form(request, form, product=None, status=200):
    return render(
        request,
        "sales/product_form.html",
        {"active_nav": ACTIVE_NAV, "form": form, "product": product},
        status=status,
    )


@_requires(services_products.CATALOGUE_RIGHT)
@require_http_methods(["GET", "POST"])
def product_create(request):
    form = ProductForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            product = services_products.product_create(actor=request.user, **form.values())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Product “%(name)s” was created.") % {"name": product})
            return redirect_after_form(request, product.get_absolute_url())
    return _render_form(request, form)


@_requires(services_products.CATALOGUE_RIGHT)
@require_http_methods(["GET", "POST"])
def product_edit(request, pk):
    product = _product_or_404(request, pk)
    if request.method != "POST":
        form = ProductEditForm(
            initial=ProductForm.initial_for(product), actor=request.user, product=product
        )
        return _render_form(request, form, product)
    form = ProductEditForm(request.POST, actor=request.user, product=product)
    status = 200
    if form.is_valid():
        try:
            services_products.product_update(
                actor=request.user,
                product=product,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError:
            form.add_error(
                None,
                _(
                    "Someone else changed this record after you opened it, so nothing was saved. "
                    "Reload the page to see their changes, then make yours again."
                ),
            )
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Product “%(name)s” was saved.") % {"name": product})
            return redirect_after_form(request, product.get_absolute_url())
    return _render_form(request, form, product, status=status)


@_requires("sales.view_inventoryitem")
@require_GET
def inventory_list(request):
    """库存查询: stock by product and warehouse, with the total per product."""
    form = InventoryFilterForm(request.GET or None, actor=request.user)
    query = form.query()
    items = selectors_products.inventory_list(actor=request.user, **query)
    page = paginate_request(request, items, ordering=selectors_products.INVENTORY_ORDERING)
    totals = selectors_products.inventory_totals(actor=request.user, **query)
    response = render(
        request,
        "sales/inventory_list.html",
        {"active_nav": ACTIVE_NAV, "form": form, "page": page, "totals": totals},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
