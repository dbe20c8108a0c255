from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("guanxi.core.urls")),
    path("accounts/", include("guanxi.accounts.urls")),
    path("customers/", include("guanxi.customers.urls")),
    path("api/", include("guanxi.api_urls")),
    path("django-admin/", admin.site.urls),
]

handler500 = "guanxi.core.api.errors.server_error"

# Notifications 通知 (collaboration app).
urlpatterns += [path("notifications/", include("guanxi.collaboration.urls"))]

# Sales 营销管理: opportunities, development plans, products, orders... (sales app).
urlpatterns += [path("sales/", include("guanxi.sales.urls"))]
urlpatterns += [path("service/", include("guanxi.service.urls"))]

# Statistics and reports 统计报表 (analytics app).
urlpatterns += [path("reports/", include("guanxi.analytics.urls"))]
