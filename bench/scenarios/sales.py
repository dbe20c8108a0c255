"""Sales scenarios: order list and page, the 360 page of a customer with orders, the pipeline."""

from functools import cache

from bench.scenarios import http


@cache
def _visible_order(username: str):
    from bench.scenarios import Context
    from guanxi.sales.selectors.orders import order_list

    orders = order_list(actor=Context().user(username)).select_related(None)
    order = orders.only("pk", "customer_id").first()
    if order is None:
        raise LookupError(f"{username} sees no order")
    return order


@http("orders.list.manager1", user="manager1", about="GET /sales/orders/ (own orders)")
def order_list_manager(ctx) -> str:
    return "/sales/orders/"


@http("orders.list.exec", user="exec", about="GET /sales/orders/ (all orders)")
def order_list_exec(ctx) -> str:
    return "/sales/orders/"


@http(
    "orders.list.status.exec",
    user="exec",
    about="GET /sales/orders/?status=draft (all orders, a rare status)",
)
def order_list_status_exec(ctx) -> str:
    return "/sales/orders/?status=draft"


@http("orders.detail.manager1", user="manager1", about="GET /sales/orders/<id>/")
def order_detail_manager(ctx) -> str:
    return f"/sales/orders/{_visible_order('manager1').pk}/"


@http(
    "orders.customer360.manager1",
    user="manager1",
    about="GET /customers/<id>/ of a customer with orders (timeline + key figures)",
)
def customer_with_orders_manager(ctx) -> str:
    return f"/customers/{_visible_order('manager1').customer_id}/"


@http("api.orders.list.manager1", user="manager1", about="GET /api/orders/ (own, with lines)")
def api_order_list_manager(ctx) -> str:
    return "/api/orders/"


@http("api.orders.list.exec", user="exec", about="GET /api/orders/ (all orders, with lines)")
def api_order_list_exec(ctx) -> str:
    return "/api/orders/"


@http("pipeline.board.manager1", user="manager1", about="GET /sales/pipeline/ (own deals)")
def pipeline_board_manager(ctx) -> str:
    return "/sales/pipeline/"


@http("pipeline.board.exec", user="exec", about="GET /sales/pipeline/ (all deals)")
def pipeline_board_exec(ctx) -> str:
    return "/sales/pipeline/"


@http("pipeline.forecast.exec", user="exec", about="GET /sales/pipeline/forecast/ (all deals)")
def pipeline_forecast_exec(ctx) -> str:
    return "/sales/pipeline/forecast/"


@http("api.deals.list.exec", user="exec", about="GET /api/deals/ (all deals)")
def api_deal_list_exec(ctx) -> str:
    return "/api/deals/"
