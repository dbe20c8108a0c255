"""The contract importer 合同导入: one row per contract, through the contract services.

The old system's contract number 合同编号 is kept as the contract's external id (a re-import
updates the contract it names); the contract gets its own code as when entered by hand. A
status beyond draft is reached through the same status moves the contract page offers
(draft → active → completed, or terminated), so every rule of those moves applies.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import (
    CHOICE,
    CREATED,
    DATE,
    DECIMAL,
    EXTERNAL_REF_SYNONYMS,
    OWNER,
    REF,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportRow,
    created_at_column,
)
from guanxi.core.scoping import scope_queryset
from guanxi.customers.importing.related import CUSTOMER_COLUMN, customers_find
from guanxi.sales import rules
from guanxi.sales.importing.related import owners_check
from guanxi.sales.models import Contract, Order
from guanxi.sales.services import contracts as services_contracts

# The moves from a new (draft) contract to each status, as the contract page makes them.
STATUS_PATH: dict[str, tuple[str, ...]] = {
    Contract.Status.DRAFT: (),
    Contract.Status.ACTIVE: (Contract.Status.ACTIVE,),
    Contract.Status.COMPLETED: (Contract.Status.ACTIVE, Contract.Status.COMPLETED),
    Contract.Status.TERMINATED: (Contract.Status.TERMINATED,),
}


def orders_find(actor: Any, rows: list[ImportRow]) -> None:
    """Each row's order (``row.related["order"]``) by external id or code, in scope, one query;
    it must be an order of the row's customer."""
    texts = {row.values["order"] for row in rows if row.values.get("order")}
    if not texts:
        return
    found = scope_queryset(
        Order.objects.filter(Q(external_ref__in=texts) | Q(code__in=texts)), actor
    )
    by_text: dict[str, Order] = {}
    for order in found:
        by_text[order.code] = order
        if order.external_ref:
            by_text.setdefault(order.external_ref, order)
    for row in rows:
        text = row.values.get("order")
        if not text:
            continue
        match = by_text.get(text)
        customer = row.related.get("customer")
        if match is None or (customer is not None and match.customer_id != customer.pk):
            row.error(
                "order",
                _("No order “%(value)s” of this customer that you may see.") % {"value": text},
                "not_found",
            )
        else:
            row.related["order"] = match


class ContractImporter(Importer):
    """Contracts 合同 of customers, with their term, amount, status and account manager."""

    entity = "contracts"
    model = Contract
    label = gettext_lazy("contracts")
    permission = rules.ADD_CONTRACT
    url_namespace = "sales"
    list_url = "sales:contract_list"
    owner_field = "owner"
    columns = (
        CUSTOMER_COLUMN,
        Column(
            "title",
            gettext_lazy("Title"),
            synonyms=("合同名称", "标题", "名称", "title", "name", "subject"),
            required=True,
            max_length=200,
        ),
        Column(
            "amount",
            gettext_lazy("Amount"),
            DECIMAL,
            ("合同金额", "金额", "总金额", "amount", "value", "total"),
            required=True,
        ),
        Column("signed_on", gettext_lazy("Signed date"), DATE, ("签订日期", "签约日期", "signed")),
        Column("starts_on", gettext_lazy("Start date"), DATE, ("开始日期", "生效日期", "start")),
        Column("ends_on", gettext_lazy("End date"), DATE, ("结束日期", "到期日期", "end")),
        Column(
            "status",
            gettext_lazy("Status"),
            CHOICE,
            ("状态", "合同状态", "status"),
            choices=Contract.Status,
        ),
        Column(
            "owner",
            gettext_lazy("Account manager"),
            OWNER,
            ("业务员", "销售员", "负责人", "客户经理", "owner", "salesrep"),
        ),
        Column("order", gettext_lazy("Order"), REF, ("订单", "关联订单", "order")),
        Column("notes", gettext_lazy("Notes"), synonyms=("备注", "说明", "notes", "remarks")),
    )
    _FIELDS = ("title", "amount", "signed_on", "starts_on", "ends_on", "notes")

    @classmethod
    def all_columns(cls) -> tuple[Column, ...]:
        number = Column(
            "external_ref",
            gettext_lazy("Contract number"),
            synonyms=("合同编号", "合同号", "contractno", "contractnumber", *EXTERNAL_REF_SYNONYMS),
            max_length=100,
        )
        return (*cls.columns, number, created_at_column())

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_queryset(queryset, self.actor)

    def prepare(self, rows: list[ImportRow]) -> None:
        customers_find(self.actor, rows)
        owners_check(
            self.actor,
            rows,
            message=_(
                "You may import contracts of yourself or of the customer's account manager only."
            ),
        )
        orders_find(self.actor, rows)

    def write(self, row: ImportRow) -> str:
        values: dict[str, Any] = {n: row.values[n] for n in self._FIELDS if n in row.values}
        if "order" in row.related:
            values["order"] = row.related["order"]
        contract: Contract | None = row.existing
        if contract is None:
            contract = services_contracts.contract_create(
                actor=self.actor,
                customer=row.related["customer"],
                external_ref=row.values.get("external_ref"),
                **values,
            )
            row.existing = contract
            for status in STATUS_PATH[row.values.get("status", Contract.Status.DRAFT)]:
                contract = services_contracts.contract_set_status(
                    actor=self.actor, contract=contract, status=status
                )
            outcome = CREATED
        else:
            outcome = self._update(contract, values, row.values.get("status"))
        owner_id = row.values.get("owner")
        if owner_id is not None and owner_id != contract.owner_id:
            Contract.all_objects.filter(pk=contract.pk).update(owner_id=owner_id)
            outcome = outcome if outcome == CREATED else UPDATED
        return outcome

    def _update(self, contract: Contract, values: dict[str, Any], status: str | None) -> str:
        changes = self.changes(contract, values)
        if changes and contract.status in services_contracts.FINAL_STATES:
            raise ValidationError(
                _("A %(status)s contract cannot be changed any more.")
                % {"status": contract.get_status_display().lower()}
            )
        if changes:
            contract = services_contracts.contract_update(
                actor=self.actor, contract=contract, **changes
            )
        if status is not None and status != contract.status:
            services_contracts.contract_set_status(
                actor=self.actor, contract=contract, status=status
            )
            return UPDATED
        return UPDATED if changes else UNCHANGED
