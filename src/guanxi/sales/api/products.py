"""REST endpoints of the product catalogue: ``/api/products/`` and ``/api/inventory/``.

Every user with the view right reads the whole catalogue; writes need
``sales.manage_catalogue`` (administrators and sales supervisors). Products and stock entries
are not deleted through the API: a product is made inactive instead.
"""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from guanxi.core.api.filters import id_filter
from guanxi.core.api.serializers import VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet, query_text
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.sales import rules
from guanxi.sales.models import InventoryItem, Product, ProductCategory, Warehouse
from guanxi.sales.selectors import products as selectors_products
from guanxi.sales.services import products as services_products


class ProductSerializer(VersionedModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryEntry.objects.filter(kind=DictionaryKind.UNIT, is_active=True),
        required=False,
        allow_null=True,
        help_text="Id of a `unit` dictionary entry.",
    )
    category = serializers.PrimaryKeyRelatedField(queryset=ProductCategory.objects.all())
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "code",
            "name",
            "model_no",
            "grade",
            "unit",
            "price",
            "category",
            "category_name",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        # The code is given by the catalogue service (a sequence), never by the client.
        read_only_fields = ["code", "created_at", "updated_at"]


class ProductFilter(django_filters.FilterSet):
    category = id_filter("category")

    class Meta:
        model = Product
        fields = ["is_active"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Contained in the name or the model.")
        ]
    )
)
class ProductViewSet(ScopedViewSet):
    """The product catalogue 产品. Writes need the catalogue right; there is no DELETE."""

    model = Product
    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    write_permission = rules.MANAGE_CATALOGUE
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = {"name": "name", "price": "price", "created_at": "created_at"}

    def select(self, actor):
        search = query_text(self.request, "search") if self.action == "list" else ""
        return selectors_products.product_list(actor=actor, search=search)

    def create_record(self, data):
        return services_products.product_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        return services_products.product_update(
            actor=self.request.user, product=instance, expected_version=expected_version, **data
        )


class InventoryItemSerializer(VersionedModelSerializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    product_name = serializers.CharField(source="product.name", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)

    class Meta:
        model = InventoryItem
        fields = [
            "id",
            "warehouse",
            "warehouse_code",
            "location",
            "product",
            "product_name",
            "quantity",
            "version",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class InventoryFilter(django_filters.FilterSet):
    product = id_filter("product")
    warehouse = id_filter("warehouse")

    class Meta:
        model = InventoryItem
        fields: list[str] = []


class InventoryViewSet(ScopedViewSet):
    """Stock 库存 per product, warehouse and location; filter by product and warehouse."""

    model = InventoryItem
    serializer_class = InventoryItemSerializer
    filterset_class = InventoryFilter
    write_permission = rules.MANAGE_CATALOGUE
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = {"quantity": "quantity", "location": "location"}

    def select(self, actor):
        return selectors_products.inventory_list(actor=actor)

    def create_record(self, data):
        return services_products.inventory_item_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        return services_products.inventory_item_update(
            actor=self.request.user, item=instance, expected_version=expected_version, **data
        )
