"""The receivable importer 应收款导入: what customers owe on their contracts or orders.

A row names its contract or its order (by external id or code, so a contract or order imported
earlier is found by the old system's number), the due date and the amount due (the contract's
amount or the order's total when left empty). What was already paid becomes one payment
回款 through ``payment_record`` (the one place that changes the paid amount), dated by the
payment date column or else the due date. Importing the file again records only what was
paid since: the difference between the file's paid amount and the receivable's.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import (
    CHOICE,
    CREATED,
    DATE,
    DECIMAL,
    REF,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportRow,
)
from guanxi.core.scoping import scope_queryset
from guanxi.sales import rules
from guanxi.sales.models import Contract, Order, Receivable
from guanxi.sales.services import contracts as services_contracts

SOURCES: tuple[tuple[str, type[Contract] | type[Order]], ...] = (
    ("contract", Contract),
    ("order", Order),
)


class ReceivableImporter(Importer):
    """Receivables 应收款 of contracts or orders, with what was paid of them."""

    entity = "receivables"
    model = Receivable
    label = gettext_lazy("receivables")
    permission = rules.ADD_RECEIVABLE
    url_namespace = "sales"
    list_url = "sales:receivable_list"
    columns = (
        Column(
            "contract", gettext_lazy("Contract"), REF, ("合同", "合同编号", "合同号", "contract")
        ),
        Column("order", gettext_lazy("Order"), REF, ("订单", "订单编号", "订单号", "order")),
        Column(
            "due_date",
            gettext_lazy("Due date"),
            DATE,
            ("到期日", "到期日期", "应收日期", "付款期限", "duedate", "due"),
            required=True,
        ),
        Column(
            "amount_due",
            gettext_lazy("Amount due"),
            DECIMAL,
            ("应收金额", "金额", "amountdue", "amount"),
        ),
        Column(
            "amount_paid",
            gettext_lazy("Amount paid"),
            DECIMAL,
            ("已收金额", "已收款", "回款金额", "已付金额", "amountpaid", "paid"),
        ),
        Column(
            "paid_on",
            gettext_lazy("Payment date"),
            DATE,
            ("回款日期", "收款日期", "付款日期", "paidon", "paymentdate"),
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            CHOICE,
            ("状态", "收款状态", "status"),
            choices=Receivable.Status,
        ),
        Column("notes", gettext_lazy("Notes"), synonyms=("备注", "说明", "notes", "remarks")),
    )

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_queryset(queryset, self.actor)

    def prepare(self, rows: list[ImportRow]) -> None:
        for name, model in SOURCES:
            self._sources_find(rows, name, model)
        for row in rows:
            given = [name for name, _model in SOURCES if row.values.get(name)]
            if len(given) != 1 and not row.failed:
                row.error("contract", _("Name either a contract or an order."), "required")
            self._check_paid(row)

    def _sources_find(self, rows: list[ImportRow], name: str, model: Any) -> None:
        texts = {row.values[name] for row in rows if row.values.get(name)}
        if not texts:
            return
        found = scope_queryset(
            model.objects.filter(Q(external_ref__in=texts) | Q(code__in=texts)), self.actor
        )
        by_text: dict[str, Any] = {}
        for record in found:
            by_text[record.code] = record
            if record.external_ref:
                by_text.setdefault(record.external_ref, record)
        for row in rows:
            text = row.values.get(name)
            if not text:
                continue
            if text in by_text:
                row.related["source"] = by_text[text]
            else:
                row.error(
                    name,
                    _("No %(kind)s “%(value)s” that you may see (give its number or code).")
                    % {"kind": model._meta.verbose_name, "value": text},
                    "not_found",
                )

    @staticmethod
    def _check_paid(row: ImportRow) -> None:
        paid, status = row.values.get("amount_paid"), row.values.get("status")
        if paid is not None and paid < 0:
            row.error("amount_paid", _("The amount paid cannot be negative."))
        if status == Receivable.Status.PARTIAL and not paid:
            row.error("amount_paid", _("Give the amount paid of a partly paid receivable."))
        if status == Receivable.Status.OPEN and paid:
            row.error("status", _("An open receivable has nothing paid."))

    def _paid(self, row: ImportRow, amount_due: Decimal) -> Decimal:
        """What the file says was paid: the amount paid, or all of it for a paid receivable."""
        if "amount_paid" in row.values:
            return Decimal(row.values["amount_paid"])
        if row.values.get("status") == Receivable.Status.PAID:
            return amount_due
        return Decimal(0)

    def write(self, row: ImportRow) -> str:
        receivable: Receivable | None = row.existing
        outcome = UNCHANGED
        if receivable is None:
            source = row.related["source"]
            receivable = services_contracts.receivable_create(
                actor=self.actor,
                due_date=row.values["due_date"],
                order=source if isinstance(source, Order) else None,
                contract=source if isinstance(source, Contract) else None,
                amount_due=row.values.get("amount_due"),
                notes=row.values.get("notes", ""),
                external_ref=row.values.get("external_ref"),
            )
            row.existing = receivable
            outcome = CREATED
        missing = self._paid(row, receivable.amount_due) - receivable.amount_paid
        if missing > 0:
            paid_on = row.values.get("paid_on") or min(row.values["due_date"], timezone.localdate())
            try:
                services_contracts.payment_record(
                    actor=self.actor,
                    receivable=receivable,
                    amount=missing,
                    paid_on=paid_on,
                    notes=_("Imported"),
                )
            except ValidationError as error:
                # The payment's refusal names the file's column, not the payment's field.
                raise ValidationError({"amount_paid": error.messages}) from error
            outcome = outcome if outcome == CREATED else UPDATED
        return outcome
