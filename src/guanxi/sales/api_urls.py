"""API paths of the sales app, included by guanxi.api_urls before its catch-all."""

from guanxi.sales import api_opportunities

urlpatterns: list = [*api_opportunities.urlpatterns]

# Products 产品, inventory 库存 and orders 订单 (issue #4).
from rest_framework.routers import SimpleRouter  # noqa: E402

from guanxi.sales.api_orders import OrderViewSet  # noqa: E402
from guanxi.sales.api_products import InventoryViewSet, ProductViewSet  # noqa: E402

_orders_router = SimpleRouter()
_orders_router.register("products", ProductViewSet, basename="api-product")
_orders_router.register("inventory", InventoryViewSet, basename="api-inventory")
_orders_router.register("orders", OrderViewSet, basename="api-order")
urlpatterns += _orders_router.urls

from guanxi.sales import api_pipeline  # noqa: E402  (pipeline 销售漏斗 and deals 商机)

urlpatterns += api_pipeline.urlpatterns

from guanxi.sales import api_targets  # noqa: E402  (sales targets 销售目标)

urlpatterns += api_targets.urlpatterns

from guanxi.sales import api_leads  # noqa: E402  (leads 线索)

urlpatterns += api_leads.urlpatterns

# Quotes 报价 (issue #4).
from guanxi.sales.api_quotes import QuoteViewSet  # noqa: E402

_quotes_router = SimpleRouter()
_quotes_router.register("quotes", QuoteViewSet, basename="api-quote")
urlpatterns += _quotes_router.urls

# Contracts 合同 (issue #4).
from guanxi.sales.api_contracts import ContractViewSet  # noqa: E402

_contracts_router = SimpleRouter()
_contracts_router.register("contracts", ContractViewSet, basename="api-contract")
urlpatterns += _contracts_router.urls

# Receivables 应收款 and payments 回款 (issue #4).
from guanxi.sales.api_contracts import ReceivableViewSet  # noqa: E402

_receivables_router = SimpleRouter()
_receivables_router.register("receivables", ReceivableViewSet, basename="api-receivable")
urlpatterns += _receivables_router.urls
