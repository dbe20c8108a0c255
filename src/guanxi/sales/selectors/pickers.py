"""The sales pickers (``core.pickers``): products, opportunities, deals, orders and contracts.

Each reads through the app's scoped selectors. Products are found by name, its pinyin and
initials, code and model 型号 (``sales.search``); records of a customer by their own code or
title, or by the customer's name, code or pinyin (the customer list's indexed search).
"""

from collections.abc import Sequence

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.pickers import PickerKind, PickerOption
from guanxi.customers.selectors.customers import customer_list
from guanxi.sales.models import Contract, Deal, Opportunity, Order, Product
from guanxi.sales.search import product_search_term
from guanxi.sales.selectors.contracts import contract_list
from guanxi.sales.selectors.opportunities import opportunity_list
from guanxi.sales.selectors.orders import order_list
from guanxi.sales.selectors.pipeline import deal_list
from guanxi.sales.selectors.products import product_list

SEPARATOR = " · "
# Records of at most this many of the customers a term finds are offered.
CUSTOMERS_SEARCHED = 20


def _joined(*parts: object) -> str:
    return SEPARATOR.join(str(part) for part in parts if part not in (None, ""))


def _customers_found(actor: User, term: str) -> list[int]:
    found = customer_list(actor=actor, search=term).values_list("pk", flat=True)
    return list(found[:CUSTOMERS_SEARCHED])


# --- products ---------------------------------------------------------------------------


def product_choices(actor: User) -> QuerySet[Product]:
    """Products a new line may choose: the active ones (a form keeps its lines' old ones)."""
    return product_list(actor=actor, active=True)


def product_search(actor: User, term: str, limit: int) -> Sequence[Product]:
    key = product_search_term(term)
    rows = product_choices(actor).filter(
        Q(search_text__contains=key) | Q(name__icontains=term) | Q(model_no__icontains=term)
    )
    return list(rows[:limit])


def product_option(actor: User, product: Product, request: HttpRequest | None) -> PickerOption:
    """Name and model; code · category · price (the price also as data, for the line editor)."""
    return PickerOption(
        pk=product.pk,
        label=str(product),
        detail=_joined(product.code, product.category, f"¥{product.price}"),
        data={"price": str(product.price)},
    )


# --- opportunities, deals, orders, contracts ----------------------------------------------


def opportunity_choices(actor: User) -> QuerySet[Opportunity]:
    return opportunity_list(actor=actor)


def opportunity_search(actor: User, term: str, limit: int) -> Sequence[Opportunity]:
    rows = opportunity_choices(actor).filter(
        Q(prospect_name__icontains=term) | Q(customer__in=_customers_found(actor, term))
    )
    return list(rows[:limit])


def opportunity_option(actor: User, row: Opportunity, request: HttpRequest | None) -> PickerOption:
    return PickerOption(
        pk=row.pk,
        label=row.prospect_name,
        detail=_joined(
            row.customer.code if row.customer else "", row.assigned_to, row.get_status_display()
        ),
    )


def deal_choices(actor: User) -> QuerySet[Deal]:
    return deal_list(actor=actor)


def deal_search(actor: User, term: str, limit: int) -> Sequence[Deal]:
    rows = deal_choices(actor).filter(
        Q(title__icontains=term) | Q(customer__in=_customers_found(actor, term))
    )
    return list(rows[:limit])


def deal_option(actor: User, deal: Deal, request: HttpRequest | None) -> PickerOption:
    return PickerOption(
        pk=deal.pk,
        label=deal.title,
        detail=_joined(deal.customer.name, deal.owner, deal.stage, f"¥{deal.amount}"),
    )


def order_choices(actor: User) -> QuerySet[Order]:
    return order_list(actor=actor)


def order_search(actor: User, term: str, limit: int) -> Sequence[Order]:
    code = term.strip().upper()
    rows = order_choices(actor).filter(
        Q(code__startswith=code) | Q(customer__in=_customers_found(actor, term))
    )
    return list(rows[:limit])


def order_option(actor: User, order: Order, request: HttpRequest | None) -> PickerOption:
    return PickerOption(
        pk=order.pk,
        label=order.code,
        detail=_joined(
            order.customer.name,
            date_format(order.order_date, "SHORT_DATE_FORMAT"),
            f"¥{order.total}",
            order.get_status_display(),
        ),
        data={"total": str(order.total)},
    )


def contract_choices(actor: User) -> QuerySet[Contract]:
    return contract_list(actor=actor)


def contract_search(actor: User, term: str, limit: int) -> Sequence[Contract]:
    code = term.strip().upper()
    rows = contract_choices(actor).filter(
        Q(code__startswith=code)
        | Q(title__icontains=term)
        | Q(customer__in=_customers_found(actor, term))
    )
    return list(rows[:limit])


def contract_option(actor: User, contract: Contract, request: HttpRequest | None) -> PickerOption:
    return PickerOption(
        pk=contract.pk,
        label=_joined(contract.code, contract.title),
        detail=_joined(contract.customer.name, contract.owner, f"¥{contract.amount}"),
        data={"amount": str(contract.amount)},
    )


PRODUCT = PickerKind(
    key="product",
    label=_("Products"),
    queryset=product_choices,
    search=product_search,
    option=product_option,
    placeholder=_("Type a name, model, code or pinyin"),
)
OPPORTUNITY = PickerKind(
    key="opportunity",
    label=_("Opportunities"),
    queryset=opportunity_choices,
    search=opportunity_search,
    option=opportunity_option,
    min_length=2,
    placeholder=_("Type the prospect's or customer's name"),
)
DEAL = PickerKind(
    key="deal",
    label=_("Deals"),
    queryset=deal_choices,
    search=deal_search,
    option=deal_option,
    min_length=2,
    placeholder=_("Type the deal's title or the customer's name"),
)
ORDER = PickerKind(
    key="order",
    label=_("Orders"),
    queryset=order_choices,
    search=order_search,
    option=order_option,
    min_length=2,
    placeholder=_("Type the order's code or the customer's name"),
)
CONTRACT = PickerKind(
    key="contract",
    label=_("Contracts"),
    queryset=contract_choices,
    search=contract_search,
    option=contract_option,
    min_length=2,
    placeholder=_("Type the contract's code, title or the customer's name"),
)
KINDS = (PRODUCT, OPPORTUNITY, DEAL, ORDER, CONTRACT)
