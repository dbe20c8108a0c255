"""Pages of the sales app under /sales/; each subject adds its block below."""

app_name = "sales"

urlpatterns: list = []

# Products 产品, inventory 库存 and orders 订单 (issue #4).
from django.urls import path  # noqa: E402

from guanxi.sales import views_orders, views_products  # noqa: E402

urlpatterns += [
    path("products/", views_products.product_list, name="product_list"),
    path("products/new/", views_products.product_create, name="product_create"),
    path("products/<int:pk>/", views_products.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views_products.product_edit, name="product_edit"),
    path("inventory/", views_products.inventory_list, name="inventory_list"),
    path("orders/", views_orders.order_list, name="order_list"),
    path("orders/new/", views_orders.order_create, name="order_create"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", views_orders.order_edit, name="order_edit"),
    path("orders/<int:pk>/advance/", views_orders.order_advance, name="order_advance"),
    path("orders/<int:pk>/cancel/", views_orders.order_cancel, name="order_cancel"),
]
