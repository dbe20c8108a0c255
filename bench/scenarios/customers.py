"""Customer scenarios: list pages, the list API, a detail page, the list selector's search."""

from urllib.parse import quote

from bench.scenarios import http, python

SEARCH_TERM = "科技"  # matches roughly one customer in twenty of the seeded names


@http("customers.list.manager1", user="manager1", about="GET /customers/ (own customers)")
def list_manager(ctx) -> str:
    return "/customers/"


@http("customers.list.exec", user="exec", about="GET /customers/ (all customers)")
def list_exec(ctx) -> str:
    return "/customers/"


@http("customers.search.exec", user="exec", about="GET /customers/?q=科技 (all customers)")
def search_exec(ctx) -> str:
    return f"/customers/?q={SEARCH_TERM}"


@http("customers.detail.manager1", user="manager1", about="GET /customers/<id>/")
def detail_manager(ctx) -> str:
    return f"/customers/{ctx.visible_customer_id('manager1')}/"


@http("api.customers.list.manager1", user="manager1", about="GET /api/customers/")
def api_list_manager(ctx) -> str:
    return "/api/customers/"


@http("api.customers.list.exec", user="exec", about="GET /api/customers/ (all customers)")
def api_list_exec(ctx) -> str:
    return "/api/customers/"


@http(
    "api.customers.list.search.exec",
    user="exec",
    about="GET /api/customers/?search=科技 (all customers, one in twenty match)",
)
def api_list_search_exec(ctx) -> str:
    return f"/api/customers/?search={quote(SEARCH_TERM)}"


def _first_page_and_count(user, search: str) -> None:
    """The first page and its count the way the list API gets them (exact up to 10,000)."""
    from guanxi.core.api.pagination import EstimatingPaginator
    from guanxi.customers.selectors.customers import customer_list

    paginator = EstimatingPaginator(customer_list(actor=user, search=search), 25)
    list(paginator.page(1))
    _ = paginator.count


@python(
    "selector.customer_list.search.manager1",
    user="manager1",
    about="customer_list(search=科技): first page + API count",
)
def selector_search_manager(ctx, user) -> None:
    _first_page_and_count(user, SEARCH_TERM)


@python(
    "selector.customer_list.search.exec",
    user="exec",
    about="customer_list(search=科技) over all customers: first page + API count",
)
def selector_search_exec(ctx, user) -> None:
    _first_page_and_count(user, SEARCH_TERM)


PINYIN_TERM = "keji"  # pinyin of 科技: the same customers, found through the search keys


@http("customers.search.pinyin.exec", user="exec", about="GET /customers/?q=keji (all customers)")
def search_pinyin_exec(ctx) -> str:
    return f"/customers/?q={PINYIN_TERM}"


@python(
    "selector.customer_list.search.pinyin.exec",
    user="exec",
    about="customer_list(search=keji) over all customers: first page + API count",
)
def selector_search_pinyin_exec(ctx, user) -> None:
    _first_page_and_count(user, PINYIN_TERM)


LONG_TERM = "信息技术"  # a 3+ character query the trigram index answers (1 name in 20)


@python(
    "selector.customer_list.search.long.exec",
    user="exec",
    about="customer_list(search=信息技术) over all customers: first page + API count",
)
def selector_search_long_exec(ctx, user) -> None:
    _first_page_and_count(user, LONG_TERM)
