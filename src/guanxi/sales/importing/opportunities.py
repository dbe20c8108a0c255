"""The opportunity importer 销售机会导入: prospects, optionally of a known customer, and who
develops them.

A row may name an existing customer (code, external id or exact name, among those the
importer may see); without one, the prospect's name says who it is. Each row is created by
:func:`services.opportunities.opportunity_create` (unassigned), then given to the account
manager the file names through :func:`services.opportunities.opportunity_assign` — a
supervisor's right, as on the page; a lost one is then recorded as lost with its reason and
date (:func:`services.opportunity_history.opportunity_history_record`). Won opportunities are
not imported: their story goes on as customers and deals, which have their own imports.
"""

from dataclasses import replace
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from guanxi.core.imports.registry import (
    CHOICE,
    CREATED,
    DATE,
    DATETIME,
    DECIMAL,
    DICT,
    INT,
    OWNER,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportRow,
)
from guanxi.core.imports.rows import past_dates_check, users_find
from guanxi.core.models import DictionaryKind
from guanxi.core.phones import phone_fields_normalise
from guanxi.core.scoping import scope_queryset
from guanxi.customers.importing.related import CUSTOMER_COLUMN, customers_find
from guanxi.sales import rules
from guanxi.sales.importing.deals import AMOUNT_SYNONYMS, CLOSE_DATE_SYNONYMS, PROBABILITY_SYNONYMS
from guanxi.sales.models import Opportunity
from guanxi.sales.services import opportunities as services_opportunities
from guanxi.sales.services import opportunity_history as services_history

_PHONE_LABEL = gettext_lazy("contact phone")
Status = Opportunity.Status


class OpportunityImporter(Importer):
    """Sales opportunities 销售机会: a chance to win a customer."""

    entity = "opportunities"
    model = Opportunity
    label = gettext_lazy("sales opportunities")
    permission = rules.ADD_OPPORTUNITY
    url_namespace = "sales"
    list_url = "sales:opportunity_list"
    owner_field = "assigned_to"
    columns = (
        replace(CUSTOMER_COLUMN, required=False),
        Column(
            "prospect_name",
            # Not "客户名称" (the prospect name's label elsewhere): that header names the customer.
            pgettext_lazy("import column", "Prospect name"),
            synonyms=(
                "潜在客户",
                "潜在客户名称",
                "意向客户",
                "客户全称",
                "prospect",
                "prospectname",
            ),
            max_length=200,
        ),
        Column(
            "summary",
            gettext_lazy("Summary"),
            synonyms=(
                "机会名称",
                "销售机会名称",
                "销售机会",
                "商机名称",
                "机会主题",
                "概要",
                "主题",
                "summary",
                "opportunityname",
                "opportunity",
                "subject",
                "name",
            ),
            required=True,
            max_length=200,
        ),
        Column(
            "probability",
            gettext_lazy("Success probability (%)"),
            INT,
            PROBABILITY_SYNONYMS,
            required=True,
        ),
        Column(
            "source",
            gettext_lazy("Opportunity source"),
            DICT,
            ("机会来源", "来源", "客户来源", "source", "leadsource"),
            dictionary=DictionaryKind.SOURCE,
        ),
        Column(
            "contact",
            gettext_lazy("Contact"),
            synonyms=("联系人", "联系人姓名", "contact", "contactname"),
            max_length=100,
        ),
        Column(
            "contact_phone",
            gettext_lazy("Contact phone"),
            synonyms=("联系电话", "电话", "手机", "联系人电话", "phone", "contactphone", "mobile"),
        ),
        Column(
            "description",
            gettext_lazy("Description"),
            synonyms=("描述", "详细描述", "机会描述", "需求", "备注", "description", "notes"),
        ),
        Column("expected_amount", gettext_lazy("Expected amount"), DECIMAL, AMOUNT_SYNONYMS),
        Column(
            "expected_close_date", gettext_lazy("Expected close date"), DATE, CLOSE_DATE_SYNONYMS
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            CHOICE,
            ("状态", "机会状态", "跟进状态", "status", "stage"),
            choices=Opportunity.Status,
        ),
        Column(
            "lost_reason",
            gettext_lazy("Lost reason"),
            DICT,
            ("失败原因", "输单原因", "丢单原因", "关闭原因", "lostreason", "reasonlost"),
            dictionary=DictionaryKind.LOST_REASON,
        ),
        Column(
            "lost_details",
            gettext_lazy("Lost reason details"),
            synonyms=("失败说明", "失败原因说明", "lostdetails", "lostdescription"),
        ),
        Column(
            "closed_at",
            gettext_lazy("Closed at"),
            DATETIME,
            ("关闭时间", "关闭日期", "结束时间", "closedat", "closeddate", "actualclosedate"),
        ),
        Column(
            "assigned_to",
            gettext_lazy("Assigned to"),
            OWNER,
            ("负责人", "指派给", "客户经理", "跟进人", "销售", "assignedto", "owner", "assignee"),
        ),
    )
    _FIELDS = (
        "prospect_name",
        "summary",
        "probability",
        "source",
        "contact",
        "contact_phone",
        "description",
        "expected_amount",
        "expected_close_date",
    )

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_queryset(queryset, self.actor).select_related("customer")

    def prepare(self, rows: list[ImportRow]) -> None:
        past_dates_check(
            rows,
            ["closed_at"],
            _("The date is in the future: an opportunity is lost in the past."),
        )
        customers_find(self.actor, rows)
        users_find(rows, "assigned_to")
        for row in rows:
            status = row.values.get("status")
            if status == Opportunity.Status.WON:
                row.error(
                    "status",
                    _(
                        "Won opportunities are not imported: import what they became "
                        "as customers and deals."
                    ),
                    "refused",
                )
            elif status == Opportunity.Status.LOST and not row.values.get("lost_reason"):
                row.error("lost_reason", _("Choose why the development failed."), "required")
            if status in (Status.ASSIGNED, Status.LOST) and not row.values.get("assigned_to"):
                row.error(
                    "assigned_to",
                    _("Name the account manager an assigned opportunity is assigned to."),
                    "required",
                )
            if not row.values.get("customer") and not row.values.get("prospect_name"):
                row.error(
                    "prospect_name",
                    _("Name the prospect, or the customer the opportunity is about."),
                    "required",
                )

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Without an external id, an opportunity of the same prospect (or customer), summary
        and expected close date is present: the row is skipped unless the user chooses."""
        keyed = [row for row in rows if not row.values.get("external_ref")]
        if not keyed:
            return
        present: dict[tuple[Any, ...], Opportunity] = {}
        for opportunity in Opportunity.objects.filter(
            summary__in={row.values["summary"] for row in keyed}
        ):
            date, summary = opportunity.expected_close_date, opportunity.summary
            if opportunity.customer_id is not None:
                present.setdefault(
                    ("customer", opportunity.customer_id, summary, date), opportunity
                )
            present.setdefault(("prospect", opportunity.prospect_name, summary, date), opportunity)
        for row in keyed:
            customer = row.related.get("customer")
            date, summary = row.values.get("expected_close_date"), row.values["summary"]
            key = (
                ("customer", customer.pk, summary, date)
                if customer is not None
                else ("prospect", row.values.get("prospect_name"), summary, date)
            )
            if key in present:
                row.mark_duplicate(
                    present[key],
                    "summary",
                    _(
                        "An opportunity of this prospect, summary and expected close date "
                        "exists; the row is skipped."
                    ),
                )

    def write(self, row: ImportRow) -> str:
        values: dict[str, Any] = {n: row.values[n] for n in self._FIELDS if n in row.values}
        if "customer" in row.related:
            values["customer"] = row.related["customer"]
        assignee = row.related.get("assigned_to")
        opportunity: Opportunity | None = row.existing
        if opportunity is None:
            opportunity = services_opportunities.opportunity_create(
                actor=self.actor, external_ref=row.values.get("external_ref"), **values
            )
            row.existing = opportunity
            outcome = CREATED
        else:
            phone_fields_normalise(values, {"contact_phone": _PHONE_LABEL}, current=opportunity)
            changes = self.changes(opportunity, values)
            outcome = UNCHANGED
            if changes:
                opportunity = services_opportunities.opportunity_update(
                    actor=self.actor, opportunity=opportunity, **changes
                )
                outcome = UPDATED
        if (
            assignee is not None
            and opportunity.assigned_to_id != assignee.pk
            and not opportunity.is_closed
        ):
            opportunity = services_opportunities.opportunity_assign(
                actor=self.actor, opportunity=opportunity, assignee=assignee
            )
            outcome = outcome if outcome == CREATED else UPDATED
        if row.values.get("status") == Status.LOST and not opportunity.is_closed:
            opportunity = services_history.opportunity_history_record(
                actor=self.actor,
                opportunity=opportunity,
                reason=row.values["lost_reason"],
                details=row.values.get("lost_details", ""),
                closed_at=row.values.get("closed_at"),
            )
            outcome = outcome if outcome == CREATED else UPDATED
        return outcome
