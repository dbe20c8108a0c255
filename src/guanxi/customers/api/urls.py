"""API paths of the customers app.

The fixed paths under ``customers/`` (search, pool, export, bulk actions...) come before the
router, whose ``customers/<id>/`` would otherwise read their names as ids.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from guanxi.customers.api import (
    activity,
    churn,
    completeness,
    credit,
    merge,
    pool,
    privacy,
    search,
    timeline,
    vcard,
)
from guanxi.customers.api.bulk import (
    CustomerBulkReassignView,
    CustomerBulkTagView,
    CustomerExportView,
)
from guanxi.customers.api.customers import ContactViewSet, CustomerViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("contacts", ContactViewSet, basename="api-contact")

urlpatterns = [
    *completeness.urlpatterns,
    *search.urlpatterns,
    *pool.urlpatterns,
    path("customers/export/", CustomerExportView.as_view(), name="api-customer-export"),
    path(
        "customers/bulk-reassign/",
        CustomerBulkReassignView.as_view(),
        name="api-customer-bulk-reassign",
    ),
    path("customers/bulk-tag/", CustomerBulkTagView.as_view(), name="api-customer-bulk-tag"),
    *router.urls,
    *vcard.urlpatterns,
    *activity.urlpatterns,
    *timeline.urlpatterns,
    *churn.urlpatterns,
    *credit.urlpatterns,
    *merge.urlpatterns,
    *privacy.urlpatterns,
]
