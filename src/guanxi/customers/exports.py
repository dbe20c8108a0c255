"""What a customer export holds: its columns, read through the scoped list selector.

Pages and the API both export through :func:`customer_export_response`, so the columns, the
scope and the formula protection are the same wherever a customer list is downloaded.
"""

from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter
from typing import Any, cast

from django.db.models import Field
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core import export, formatting
from guanxi.core.models import AccessLogEntry
from guanxi.core.services import access_log
from guanxi.customers import masking
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customers as selectors

# Rows are fetched in chunks this large, so memory stays flat however long the list is.
EXPORT_CHUNK_SIZE = 2000


def _label(entry) -> str:
    return entry.label if entry is not None else ""


class _Sensitive:
    """The value of a protectable field (``field_key`` names its rule); masked per viewer."""

    def __init__(self, name: str):
        self.name = name
        self.field_key = masking.field_key(Customer, name)

    def __call__(self, customer: Customer):
        return getattr(customer, self.name)


def _value(name: str) -> Callable[[Customer], object]:
    return _Sensitive(name) if masking.is_protectable(Customer, name) else attrgetter(name)


def _field(name: str) -> tuple[object, Callable[[Customer], object]]:
    """A column showing a plain model field, headed by the field's own translated name."""
    field = cast("Field[Any, Any]", Customer._meta.get_field(name))
    return capfirst(field.verbose_name), _value(name)


# (header, value of a customer): dictionary entries by label, the owner by name, never ids.
COLUMNS: list[tuple[object, Callable[[Customer], object]]] = [
    (gettext_lazy("Code"), lambda c: c.code),
    (gettext_lazy("Name"), lambda c: c.name),
    (gettext_lazy("Kind"), lambda c: c.get_kind_display()),
    (gettext_lazy("Customer level"), lambda c: _label(c.level)),
    (gettext_lazy("Region"), lambda c: _label(c.region)),
    (gettext_lazy("Industry"), lambda c: _label(c.industry)),
    (gettext_lazy("Source"), lambda c: _label(c.source)),
    (gettext_lazy("Account manager"), lambda c: str(c.owner) if c.owner_id else _("Pool")),
    (gettext_lazy("Phone"), _value("phone")),
    (gettext_lazy("E-mail"), _value("email")),
    (gettext_lazy("Province"), lambda c: c.province.name if c.province else ""),
    (gettext_lazy("City"), lambda c: c.city.name if c.city else ""),
    (gettext_lazy("District"), lambda c: c.district.name if c.district else ""),
    (gettext_lazy("Address"), _value("address")),
    (gettext_lazy("Website"), lambda c: c.website),
    _field("fax"),
    _field("postcode"),
    _field("business_licence_no"),
    _field("legal_representative"),
    _field("registered_capital"),
    _field("annual_revenue"),
    _field("bank"),
    _field("bank_account"),
    _field("tax_id"),
    _field("notes"),
    (capfirst(Customer._meta.get_field("tags").verbose_name), lambda c: ", ".join(c.tag_list)),
    (gettext_lazy("Satisfaction"), lambda c: c.satisfaction),
    (gettext_lazy("Credit rating"), lambda c: c.credit),
    (gettext_lazy("Credit status"), lambda c: c.get_credit_status_display()),
    (gettext_lazy("Credit hold reason"), lambda c: c.credit_hold_reason),
    (gettext_lazy("Status"), lambda c: c.get_status_display()),
    (gettext_lazy("Created"), lambda c: c.created_at),
]


def customer_export_queryset(
    *,
    actor,
    search: str = "",
    filters: dict | None = None,
    sort: str = selectors.DEFAULT_CUSTOMER_SORT,
    ids: Iterable[int] | None = None,
):
    """The customers the list page would show ``actor`` (optionally only ``ids`` of them)."""
    customers = selectors.customer_list(
        actor=actor, search=search, filters=filters, sort=sort
    ).select_related("industry", "source", "district")
    if ids is not None:
        customers = customers.filter(pk__in=list(ids))
    return customers


def _masked(value: _Sensitive) -> Callable[[Customer], object]:
    return lambda customer: masking.mask_value(value.field_key, value(customer))


def customer_export_columns(actor) -> list[tuple[object, Callable[[Customer], object]]]:
    """COLUMNS as ``actor`` may read them: hidden fields dropped, masked ones masked."""
    protection = masking.field_protection(actor)
    columns = []
    for header, value in COLUMNS:
        mode = protection.get(getattr(value, "field_key", ""))
        if mode == masking.HIDDEN:
            continue
        if mode == masking.MASKED:  # only a _Sensitive value has a field_key with a rule
            value = _masked(cast(_Sensitive, value))
        columns.append((header, value))
    return columns


# Amount columns, shown as money in xlsx (their header is the field's name, see _field).
MONEY_FIELDS = ("registered_capital", "annual_revenue")


def customer_export_kinds(columns) -> list[str | None]:
    money = {str(_field(name)[0]) for name in MONEY_FIELDS}
    return [formatting.MONEY if str(header) in money else None for header, _value in columns]


def customer_export_rows(customers, columns=COLUMNS) -> Iterator[list[object]]:
    for customer in customers.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield [value(customer) for _header, value in columns]


def customer_export_response(
    *, actor, customers, file_format: str, request=None, filters: dict | None = None
):
    """A CSV or xlsx download of ``customers`` named e.g. ``客户-20261123.csv``.

    The columns follow ``actor``'s field protection rules (see ``masking``). The export is
    logged in the sensitive-access log with its row count and ``filters`` (what was asked).
    """
    basename = f"{_('Customers')}-{timezone.localdate():%Y%m%d}"
    columns = customer_export_columns(actor)
    access_log.access_log_record(
        actor=actor,
        kind=AccessLogEntry.Kind.EXPORTED,
        details={
            "model": Customer._meta.label_lower,
            "format": file_format,
            "row_count": customers.count(),
            "filters": filters or {},
        },
        request=request,
    )
    return export.export_response(
        file_format=file_format,
        headers=[header for header, _value in columns],
        rows=customer_export_rows(customers, columns),
        basename=basename,
        sheet_title=_("Customers"),
        kinds=customer_export_kinds(columns),
    )
