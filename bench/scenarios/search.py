"""Customer search and deep list pages at scale (target: p95 ≤ 100 ms at 1,000,000 customers).

Every kind of term a user types is measured twice as the executive (who sees every customer,
the hardest case): through the list page ``/customers/?q=`` and through the quick search API
``/api/customers/search/?q=``. Broad terms (科技, keji: one customer in twenty) and narrow ones
(张伟, 华盛机械: a few hundred or a dozen in a million) stress different plans: the newest-first
walk of the recent index, or the trigram index.
"""

from functools import cache
from urllib.parse import quote

from bench.scenarios import http, python

# name of the scenario suffix → (term, what it is)
TERMS = {
    "cjk3.broad": ("信息技术", "3+ Chinese characters, one name in twenty"),
    "cjk3.narrow": ("华盛机械", "3+ Chinese characters, a dozen names in a million"),
    "cjk2.broad": ("科技", "2 Chinese characters, one name in twenty"),
    "cjk2.narrow": ("张伟", "2 Chinese characters, contact names, a few hundred"),
    "pinyin.broad": ("keji", "full pinyin of 科技"),
    "pinyin.narrow": ("zhangwei", "full pinyin of 张伟 (also 章伟, 张威...)"),
    "initials.2": ("zw", "pinyin initials of two characters"),
    "initials.4": ("hsjx", "pinyin initials of 华盛机械"),
}


@cache
def _sample() -> dict:
    """A code and a phone number of a real customer, from the middle of the table."""
    from guanxi.customers.models import Customer

    ids = Customer.objects.order_by("pk").values_list("pk", flat=True)
    middle = ids[ids.count() // 2]
    return Customer.objects.values("code", "phone").get(pk=middle)


def _term(kind: str) -> str:
    if kind == "code":
        return _sample()["code"]
    if kind == "phone":
        return _sample()["phone"][-8:]  # the last 8 digits, as people type a mobile
    return TERMS[kind][0]


def _register(kind: str, about: str) -> None:
    def page(ctx) -> str:
        return f"/customers/?q={quote(_term(kind))}"

    def api(ctx) -> str:
        return f"/api/customers/search/?q={quote(_term(kind))}"

    def picker(ctx) -> str:
        return f"/pick/customer/?q={quote(_term(kind))}"

    http(f"search.page.{kind}", user="exec", about=f"GET /customers/?q= ({about})")(page)
    http(f"search.api.{kind}", user="exec", about=f"GET /api/customers/search/?q= ({about})")(api)
    # The customer picker of every form (core.pickers): the same search, ten options.
    http(f"search.pick.{kind}", user="exec", about=f"GET /pick/customer/?q= ({about})")(picker)
    http(
        f"search.pick.manager.{kind}",
        user="manager1",
        about=f"GET /pick/customer/?q= as an account manager ({about})",
    )(picker)


for _kind, (_text, _about) in TERMS.items():
    _register(_kind, f"{_text}: {_about}")
_register("code", "a customer code")
_register("phone", "the last 8 digits of a phone")


@cache
def _deep_cursor() -> str:
    """The list's cursor for the page after the middle customer (newest first)."""
    from guanxi.core.pagination import keyset_paginate
    from guanxi.customers.models import Customer
    from guanxi.customers.selectors.customers import CUSTOMER_SORTS, DEFAULT_CUSTOMER_SORT

    ordering = CUSTOMER_SORTS[DEFAULT_CUSTOMER_SORT]
    rows = Customer.objects.order_by(*ordering)
    middle = rows.values_list("created_at", "pk")[rows.count() // 2]
    # A one-row page starting at the middle row: its "next" cursor points past that row.
    page = keyset_paginate(
        Customer.objects.filter(created_at__lte=middle[0]), ordering=ordering, per_page=1
    )
    return page.next_cursor


@http("customers.list.deep.exec", user="exec", about="GET /customers/?cursor= (middle page)")
def list_deep_exec(ctx) -> str:
    return f"/customers/?cursor={_deep_cursor()}"


@http("customers.list.deep.manager1", user="manager1", about="GET /customers/?cursor= (deep)")
def list_deep_manager(ctx) -> str:
    return f"/customers/?cursor={_deep_cursor()}"


@python(
    "selector.customer_search.cjk2.narrow.exec",
    user="exec",
    about="customer_search(张伟): the API's selector, first 20, no count",
)
def selector_search_narrow(ctx, user) -> None:
    from guanxi.customers.selectors.search import customer_search

    customer_search(actor=user, search=TERMS["cjk2.narrow"][0])


@python(
    "selector.customer_search.pinyin.broad.exec",
    user="exec",
    about="customer_search(keji): the API's selector, first 20, no count",
)
def selector_search_broad(ctx, user) -> None:
    from guanxi.customers.selectors.search import customer_search

    customer_search(actor=user, search=TERMS["pinyin.broad"][0])


# The global search (core.search): every kind at once, as the header's dropdown asks for it
# (5 per kind) and as the /search/ page shows it (20 per kind), for the executive (who sees
# every record) and an account manager.
GLOBAL_TERMS = ("cjk2.narrow", "cjk2.broad", "pinyin.narrow", "initials.2", "code", "phone")


def _register_global(kind: str) -> None:
    def dropdown(ctx) -> str:
        return f"/api/search/?q={quote(_term(kind))}"

    def page(ctx) -> str:
        return f"/search/?q={quote(_term(kind))}"

    about = TERMS[kind][0] if kind in TERMS else f"a customer {kind}"
    for user in ("exec", "manager1"):
        http(
            f"search.global.api.{kind}.{user}",
            user=user,
            about=f"GET /api/search/?q= ({about}), 5 per kind",
        )(dropdown)
    http(f"search.global.page.{kind}", user="exec", about=f"GET /search/?q= ({about})")(page)


for _kind in GLOBAL_TERMS:
    _register_global(_kind)
