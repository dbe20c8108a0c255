"""How an order history row names its customer: by customer code, external customer ref or
exact name, each column matched on its own field only (a code is never taken for a name).

A file may carry several of these columns (an export with 客户编号 and 客户名称): each cell
given must then name the same customer. The older ``customer`` column, matched by code,
external id or name at once, is still read for files and profiles made before.
"""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import REF, Column, ImportRow
from guanxi.core.scoping import scope_queryset
from guanxi.customers.importing.related import CUSTOMER_FIELDS_READ
from guanxi.customers.models import Customer
from guanxi.customers.services.customers import identifier_normalise

CUSTOMER_CODE_COLUMN = Column(
    "customer_code",
    gettext_lazy("Customer code"),
    REF,
    ("客户编号", "客户编码", "客户代码", "customercode", "customerno", "accountcode"),
)
CUSTOMER_REF_COLUMN = Column(
    "customer_ref",
    gettext_lazy("Customer external id"),
    REF,
    (
        "客户外部编号",
        "外部客户编号",
        "客户外部ID",
        "原系统客户编号",
        "原客户编号",
        "customerref",
        "customerexternalid",
        "customerexternalref",
        "accountid",
    ),
)
CUSTOMER_NAME_COLUMN = Column(
    "customer_name",
    gettext_lazy("Customer name"),
    REF,
    ("客户名称", "客户名", "公司名称", "单位名称", "customername", "accountname", "companyname"),
)
# The column of files made before the three above: a code, an external id or a name.
ANY_CUSTOMER_COLUMN = Column(
    "customer",
    gettext_lazy("Customer (code, external id or name)"),
    REF,
    ("客户", "所属客户", "公司", "customer", "account", "company"),
)
CUSTOMER_COLUMNS = (
    CUSTOMER_CODE_COLUMN,
    CUSTOMER_REF_COLUMN,
    CUSTOMER_NAME_COLUMN,
    ANY_CUSTOMER_COLUMN,
)
CUSTOMER_KEYS = tuple(column.name for column in CUSTOMER_COLUMNS)
_LABELS = {column.name: column.label for column in CUSTOMER_COLUMNS}


def customer_cells(row: ImportRow) -> dict[str, str]:
    """The customer columns the row fills, by field."""
    values = row.values
    return {name: values[name] for name in CUSTOMER_KEYS if values.get(name)}


def _not_found(name: str, text: str) -> str:
    if name == "customer_code":
        return _("No customer with the code “%(value)s” that you may see.") % {"value": text}
    if name == "customer_ref":
        return _("No customer with the external id “%(value)s” that you may see.") % {"value": text}
    if name == "customer_name":
        return _("No customer named exactly “%(value)s” that you may see.") % {"value": text}
    return _(
        "No customer “%(value)s” that you may see (give its code, external id or exact name)."
    ) % {"value": text}


def order_customers_find(actor: Any, rows: list[ImportRow]) -> None:
    """Each row's customer (``row.related["customer"]``), one query for the batch in the actor's
    scope. A row naming none, a cell naming no customer, a name two customers share (unless
    another cell of the row settles it) or cells naming different customers are refused,
    naming the column."""
    codes: set[str] = set()
    refs: set[str] = set()
    names: set[str] = set()
    for row in rows:
        cells = customer_cells(row)
        if "customer_code" in cells:
            cells["customer_code"] = row.values["customer_code"] = identifier_normalise(
                cells["customer_code"]
            )
            codes.add(cells["customer_code"])
        refs.update(v for k, v in cells.items() if k in ("customer_ref", "customer"))
        names.update(v for k, v in cells.items() if k in ("customer_name", "customer"))
        codes.update(v for k, v in cells.items() if k == "customer")
    condition = Q(pk__in=[])
    for field, texts in (("code", codes), ("external_ref", refs), ("name", names)):
        if texts:
            condition |= Q(**{f"{field}__in": texts})
    found = (
        scope_queryset(Customer.objects.filter(condition), actor)
        .select_related("owner")
        # The order row reads the address (delivery address): deferred, it cost a query per
        # order (the profile's largest item).
        .only(*CUSTOMER_FIELDS_READ, "address", "owner__id", "owner__username")
        if codes or refs or names
        else Customer.objects.none()
    )
    by_code: dict[str, Customer] = {}
    by_ref: dict[str, Customer] = {}
    by_name: dict[str, list[Customer]] = {}
    for customer in found:
        by_code[customer.code] = customer
        if customer.external_ref:
            by_ref[customer.external_ref] = customer
        by_name.setdefault(customer.name, []).append(customer)
    for row in rows:
        _match_row(row, by_code, by_ref, by_name)


def _match_row(
    row: ImportRow,
    by_code: dict[str, Customer],
    by_ref: dict[str, Customer],
    by_name: dict[str, list[Customer]],
) -> None:
    cells = customer_cells(row)
    if not cells:
        row.error(
            "customer_code",
            _("Name the customer: its code, its external id or its exact name."),
            "required",
        )
        return
    matches: dict[str, Customer] = {}
    ambiguous: list[str] = []
    for name, text in cells.items():
        if name == "customer_code":
            match = by_code.get(text)
        elif name == "customer_ref":
            match = by_ref.get(text)
        else:
            match = by_code.get(text) or by_ref.get(text) if name == "customer" else None
            named = by_name.get(text, [])
            if match is None and len(named) == 1:
                match = named[0]
            elif match is None and named:
                ambiguous.append(name)
                continue
        if match is None:
            row.error(name, _not_found(name, text), "not_found")
        else:
            matches[name] = match
    if row.failed:
        return
    distinct = {customer.pk: customer for customer in matches.values()}
    if len(distinct) > 1:
        first, *others = matches
        for name in others:
            if matches[name].pk != matches[first].pk:
                row.error(
                    name,
                    _("This names another customer than the column “%(column)s”.")
                    % {"column": _LABELS[first]},
                    "invalid",
                )
        return
    if not distinct:
        for name in ambiguous:
            row.error(
                name,
                _("Several customers are called “%(value)s”: give the customer code.")
                % {"value": cells[name]},
                "ambiguous",
            )
        return
    row.related["customer"] = next(iter(distinct.values()))
