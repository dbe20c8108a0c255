"""The quote importer 报价单导入: one file row per quote line, grouped by quote number.

Consecutive rows with the same quote number make one quote (as for the order history: see
``lines``); the number is kept as the quote's external id, so a quote imported before is
skipped. Each quote goes through ``quote_create`` in its own savepoint, then through the status
moves the quote page offers (draft → sent → accepted or rejected); a converted quote is imported
as accepted together with its order, not as converted.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import (
    CHOICE,
    CREATED,
    DATE,
    EXTERNAL_REF_SYNONYMS,
    OWNER,
    UNCHANGED,
    Column,
    Importer,
    ImportRow,
)
from guanxi.core.imports.values import not_in_future
from guanxi.core.scoping import scope_queryset
from guanxi.customers.importing.related import CUSTOMER_COLUMN, customers_find
from guanxi.sales import rules
from guanxi.sales.importing.lines import (
    PRODUCT_COLUMNS,
    check_group,
    consecutive_groups,
    line_figures,
    refuse_whole,
)
from guanxi.sales.importing.related import owners_check, products_find
from guanxi.sales.models import Quote
from guanxi.sales.services import quotes as services_quotes
from guanxi.sales.services.orders import ordered_at_of

HEADER_FIELDS = ("customer", "quote_date", "valid_until", "status", "owner")
STATUS_PATH: dict[str, tuple[str, ...]] = {
    Quote.Status.DRAFT: (),
    Quote.Status.SENT: (Quote.Status.SENT,),
    Quote.Status.ACCEPTED: (Quote.Status.SENT, Quote.Status.ACCEPTED),
    Quote.Status.REJECTED: (Quote.Status.SENT, Quote.Status.REJECTED),
}


class QuoteImporter(Importer):
    """Quotes 报价单 with their lines, one row per line."""

    entity = "quotes"
    model = Quote
    label = gettext_lazy("quotes")
    permission = rules.ADD_QUOTE
    url_namespace = "sales"
    list_url = "sales:quote_list"
    owner_field = "owner"
    group_by = "quote_ref"
    columns = (
        Column(
            "quote_ref",
            gettext_lazy("Quote number"),
            synonyms=(
                "报价单号",
                "报价单编号",
                "报价编号",
                "报价号",
                "quotenumber",
                "quoteno",
                "quoteid",
                "quote",
                *EXTERNAL_REF_SYNONYMS,
            ),
            required=True,
            max_length=100,
        ),
        CUSTOMER_COLUMN,
        Column(
            "quote_date",
            gettext_lazy("Quote date"),
            DATE,
            ("报价日期", "日期", "quotedate", "date"),
            required=True,
        ),
        Column(
            "valid_until",
            gettext_lazy("Valid until"),
            DATE,
            ("有效期", "有效期至", "截止日期", "validuntil", "expires"),
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            CHOICE,
            ("状态", "报价状态", "status"),
            choices=Quote.Status,
        ),
        Column(
            "owner",
            gettext_lazy("Account manager"),
            OWNER,
            ("业务员", "销售员", "负责人", "客户经理", "owner", "salesrep"),
        ),
        *PRODUCT_COLUMNS,
        Column("notes", gettext_lazy("Notes"), synonyms=("备注", "说明", "notes", "remarks")),
    )

    def __init__(self, *, actor: Any) -> None:
        super().__init__(actor=actor)
        self.seen_quotes: dict[str, int] = {}

    @classmethod
    def all_columns(cls) -> tuple[Column, ...]:
        # The quote number is the external id; the quote date is the creation date.
        return cls.columns

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_queryset(queryset, self.actor)

    def prepare(self, rows: list[ImportRow]) -> None:
        for row in rows:
            day = row.values.get("quote_date")
            if day is not None:
                try:
                    not_in_future(day)
                except ValidationError:
                    row.error("quote_date", _("The quote date is in the future."), "future")
            if row.values.get("status") == Quote.Status.CONVERTED:
                row.error(
                    "status",
                    _("Import a converted quote as accepted, and its order with the orders."),
                )
        customers_find(self.actor, rows)
        owners_check(
            self.actor,
            rows,
            message=_(
                "You may import quotes of yourself or of the customer's account manager only."
            ),
        )
        products_find(rows)
        for row in rows:
            if "product" in row.related:
                line_figures(row, row.related["product"].price)
        groups = list(consecutive_groups(rows, "quote_ref"))
        for group in groups:
            check_group(group, "quote_ref", HEADER_FIELDS, self.seen_quotes)
        self._find_existing([g for g in groups if not any(r.failed for r in g)])
        for group in groups:
            refuse_whole(group, "quote_ref")

    def _find_existing(self, groups: list[list[ImportRow]]) -> None:
        refs = {group[0].values["quote_ref"] for group in groups}
        if not refs:
            return
        found = Quote.objects.filter(external_ref__in=refs)
        visible = {quote.external_ref: quote for quote in scope_queryset(found, self.actor)}
        hidden = set(found.values_list("external_ref", flat=True)) - set(visible)
        for group in groups:
            ref = group[0].values["quote_ref"]
            if ref in hidden:
                group[0].error(
                    "quote_ref",
                    _("A quote with this number exists, but you may not change it."),
                    "not_visible",
                )
            elif ref in visible:
                for row in group:
                    row.existing = visible[ref]
                    row.outcome = UNCHANGED

    def write_batch(self, rows: list[ImportRow]) -> bool:
        for group in consecutive_groups(rows, "quote_ref"):
            try:
                with transaction.atomic():
                    self._write_quote(group)
            except ValidationError as error:
                group[0].errors_from(error, "quote_ref")
                refuse_whole(group, "quote_ref")
            except PermissionDenied as error:
                group[0].error("", str(error) or _("You may not import this row."), "refused")
                refuse_whole(group, "quote_ref")
            else:
                for row in group:
                    row.outcome = CREATED
        return True

    def _write_quote(self, group: list[ImportRow]) -> None:
        first = group[0]
        lines = [
            {
                "product": row.related["line"]["product_id"],
                "quantity": row.related["line"]["quantity"],
                "unit_price": row.related["line"]["unit_price"],
                "discount": row.related["line"]["discount"],
            }
            for row in group
        ]
        quote_date: date = first.values["quote_date"]
        quote = services_quotes.quote_create(
            actor=self.actor,
            customer=first.related["customer"],
            lines=lines,
            quote_date=quote_date,
            valid_until=first.values.get("valid_until"),
            notes="\n".join(
                dict.fromkeys(row.values["notes"] for row in group if row.values.get("notes"))
            ),
            external_ref=first.values["quote_ref"],
        )
        for status in STATUS_PATH[first.values.get("status", Quote.Status.DRAFT)]:
            quote = services_quotes.quote_set_status(actor=self.actor, quote=quote, status=status)
        kept: dict[str, Any] = {"created_at": ordered_at_of(quote_date)}
        owner_id = first.values.get("owner")
        if owner_id is not None and owner_id != quote.owner_id:
            kept["owner_id"] = owner_id
        Quote.all_objects.filter(pk=quote.pk).update(**kept)
