"""The product 产品 and inventory 库存 pages: list with search and category, detail, create and
edit (catalogue right: administrators and sales supervisors), and the stock query page.
"""

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _

from guanxi.core.selectors.pages import record_history
from guanxi.core.views.generic import ObjectFormView, ObjectListView, ObjectView, object_or_404
from guanxi.sales import rules
from guanxi.sales.forms.products import (
    InventoryFilterForm,
    ProductEditForm,
    ProductFilterForm,
    ProductForm,
)
from guanxi.sales.models import Product
from guanxi.sales.selectors import products as selectors_products
from guanxi.sales.services import products as services_products
from guanxi.sales.views.base import signed_in

ACTIVE_NAV = "products"


class ProductListView(ObjectListView):
    permission = rules.VIEW_PRODUCT
    active_nav = ACTIVE_NAV
    template_name = "sales/product_list.html"
    ordering = selectors_products.PRODUCT_ORDERING

    def get_filter_form(self, request: HttpRequest) -> Any:
        return ProductFilterForm(request.GET or None, actor=signed_in(request))

    def rows(self, request: HttpRequest, form: Any) -> Any:
        return selectors_products.product_list(actor=signed_in(request), **form.query())


class _ProductView(ObjectView):
    model = Product
    active_nav = ACTIVE_NAV
    context_object_name = "product"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors_products.product_get, actor=signed_in(request), pk=pk)


class ProductDetailView(_ProductView):
    permission = rules.VIEW_PRODUCT
    http_method_names = ["get", "head", "options"]
    template_name = "sales/product_detail.html"

    def extra_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        return {
            "stock": selectors_products.inventory_list(actor=signed_in(request), product=record),
            "history": record_history(instance=record, limit=20),
        }


class _ProductFormView(_ProductView, ObjectFormView):
    permission = rules.MANAGE_CATALOGUE
    template_name = "sales/product_form.html"

    def conflict_text(self) -> str:
        return _(
            "Someone else changed this record after you opened it, so nothing was saved. "
            "Reload the page to see their changes, then make yours again."
        )


class ProductCreateView(_ProductFormView):
    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return ProductForm(data or None, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> Product:
        return services_products.product_create(actor=signed_in(request), **form.values())

    def success_message(self, record: Any) -> str:
        return _("Product “%(name)s” was created.") % {"name": record}


class ProductEditView(_ProductFormView):
    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            return ProductEditForm(
                initial=ProductForm.initial_for(record), actor=signed_in(request), product=record
            )
        return ProductEditForm(data, actor=signed_in(request), product=record)

    def save(self, request: HttpRequest, form: Any, record: Any) -> Product:
        return services_products.product_update(
            actor=signed_in(request),
            product=record,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )

    def success_message(self, record: Any) -> str:
        return _("Product “%(name)s” was saved.") % {"name": record}


class InventoryListView(ObjectListView):
    """库存查询: stock by product and warehouse, with the total per product."""

    permission = rules.VIEW_INVENTORYITEM
    active_nav = ACTIVE_NAV
    template_name = "sales/inventory_list.html"
    ordering = selectors_products.INVENTORY_ORDERING

    def get_filter_form(self, request: HttpRequest) -> Any:
        return InventoryFilterForm(request.GET or None, actor=signed_in(request))

    def rows(self, request: HttpRequest, form: Any) -> Any:
        self.query = form.query()
        return selectors_products.inventory_list(actor=signed_in(request), **self.query)

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {
            "totals": selectors_products.inventory_totals(actor=signed_in(request), **self.query)
        }


product_list = ProductListView.as_view()
product_detail = ProductDetailView.as_view()
product_create = ProductCreateView.as_view()
product_edit = ProductEditView.as_view()
inventory_list = InventoryListView.as_view()
