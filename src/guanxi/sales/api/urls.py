"""API paths of the sales app: opportunities, the catalogue, orders, the pipeline, targets,
leads, quotes, contracts and receivables."""

from rest_framework.routers import SimpleRouter

from guanxi.sales.api import leads, opportunities, pipeline, targets
from guanxi.sales.api.contracts import ContractViewSet, ReceivableViewSet
from guanxi.sales.api.orders import OrderViewSet
from guanxi.sales.api.products import InventoryViewSet, ProductViewSet
from guanxi.sales.api.quotes import QuoteViewSet

router = SimpleRouter()
router.register("products", ProductViewSet, basename="api-product")
router.register("inventory", InventoryViewSet, basename="api-inventory")
router.register("orders", OrderViewSet, basename="api-order")
router.register("quotes", QuoteViewSet, basename="api-quote")
router.register("contracts", ContractViewSet, basename="api-contract")
router.register("receivables", ReceivableViewSet, basename="api-receivable")

urlpatterns = [
    *opportunities.urlpatterns,
    *pipeline.urlpatterns,
    *targets.urlpatterns,
    *leads.urlpatterns,
    *router.urls,
]
