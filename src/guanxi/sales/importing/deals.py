"""The deal importer 商机导入: a deal names its customer and its pipeline stage by source id.

The customer is found by code, external id or exact name among the customers the importer may
see; the stage by its Chinese or English name (or as mapped in the value-mapping step). Each
row is created by :func:`services.pipeline.deal_create` (the owner, lost-reason and scope
rules apply), a changed stage moves it through :func:`services.pipeline.deal_move`; the date
a deal was won or lost is kept from the file.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import (
    CHOICE,
    CREATED,
    DATE,
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
from guanxi.core.scoping import scope_queryset
from guanxi.customers.importing.related import CUSTOMER_COLUMN, customers_find
from guanxi.sales import rules
from guanxi.sales.models import Deal, PipelineStage
from guanxi.sales.services import pipeline as services_pipeline

TITLE_SYNONYMS = (
    "商机名称",
    "商机",
    "商机标题",
    "名称",
    "标题",
    "dealname",
    "deal",
    "title",
    "name",
)
AMOUNT_SYNONYMS = (
    "预计金额",
    "金额",
    "商机金额",
    "预计成交金额",
    "销售金额",
    "amount",
    "dealamount",
    "value",
    "expectedamount",
)
PROBABILITY_SYNONYMS = (
    "赢率",
    "成交概率",
    "成功率",
    "可能性",
    "概率",
    "probability",
    "winrate",
    "winprobability",
)
CLOSE_DATE_SYNONYMS = (
    "预计成交日期",
    "预计签单日期",
    "预计结单日期",
    "结单日期",
    "预计关闭日期",
    "closedate",
    "expectedclosedate",
    "expectedclose",
)
LOST_REASON_SYNONYMS = ("输单原因", "丢单原因", "失败原因", "lostreason", "reasonlost")


class _StageName:
    """A stage's name in the active language, as the label of a choice."""

    def __init__(self, stage: PipelineStage) -> None:
        self.stage = stage

    def __str__(self) -> str:
        return self.stage.label


class StageChoices:
    """The pipeline stages as the choices of a CHOICE column, so a file's stage names are
    matched (Chinese or English name) and mapped in the value-mapping step like any status:
    values are stage ids, read when an import starts (stages are edited by administrators)."""

    @property
    def choices(self) -> list[tuple[str, _StageName]]:
        stages = PipelineStage.objects.order_by("order", "id")
        return [(str(stage.pk), _StageName(stage)) for stage in stages]


class DealImporter(Importer):
    """Deals 商机: what a customer may buy, in which stage, worth how much, closing when."""

    entity = "deals"
    model = Deal
    label = gettext_lazy("deals")
    permission = rules.ADD_DEAL
    url_namespace = "sales"
    list_url = "sales:pipeline_board"
    owner_field = "owner"
    columns = (
        CUSTOMER_COLUMN,
        Column(
            "title", gettext_lazy("Title"), synonyms=TITLE_SYNONYMS, required=True, max_length=200
        ),
        Column(
            "stage",
            gettext_lazy("Stage"),
            CHOICE,
            ("销售阶段", "阶段", "商机阶段", "stage", "dealstage", "salesstage"),
            # Not a TextChoices, but read the same way (``.choices``): see StageChoices.
            choices=StageChoices(),  # type: ignore[arg-type]
        ),
        Column("amount", gettext_lazy("Amount"), DECIMAL, AMOUNT_SYNONYMS, required=True),
        Column("probability", gettext_lazy("Probability (%)"), INT, PROBABILITY_SYNONYMS),
        Column(
            "expected_close_date", gettext_lazy("Expected close date"), DATE, CLOSE_DATE_SYNONYMS
        ),
        Column(
            "competitors",
            gettext_lazy("Competitors"),
            synonyms=("竞争对手", "竞品", "competitors", "competitor"),
        ),
        Column(
            "lost_reason",
            gettext_lazy("Lost reason"),
            DICT,
            LOST_REASON_SYNONYMS,
            dictionary=DictionaryKind.LOST_REASON,
        ),
        Column(
            "closed_on",
            gettext_lazy("Won or lost on"),
            DATE,
            (
                "赢单日期",
                "输单日期",
                "成交日期",
                "实际成交日期",
                "关闭日期",
                "closedon",
                "actualclosedate",
            ),
        ),
        Column(
            "owner",
            gettext_lazy("Owner"),
            OWNER,
            ("负责人", "销售负责人", "所有人", "商机负责人", "业务员", "owner", "dealowner"),
        ),
    )
    _FIELDS = ("title", "amount", "probability", "expected_close_date", "competitors")

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_queryset(queryset, self.actor).select_related("customer", "stage")

    def prepare(self, rows: list[ImportRow]) -> None:
        past_dates_check(
            rows, ["closed_on"], _("The date is in the future: a deal is won or lost in the past.")
        )
        customers_find(self.actor, rows)
        users_find(rows, "owner")
        chosen = {row.values["stage"] for row in rows if row.values.get("stage")}
        if chosen:
            stages = PipelineStage.objects.in_bulk([int(pk) for pk in chosen])
            for row in rows:
                if not row.values.get("stage"):
                    continue
                stage = stages.get(int(row.values["stage"]))
                if stage is None:  # deleted since the import started
                    row.error("stage", _("This pipeline stage was deleted."), "not_found")
                else:
                    row.related["stage"] = stage

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Without an external id, a deal of the same customer, title and expected close date
        is present: the row is skipped unless the user chooses otherwise."""
        keyed = [r for r in rows if not r.values.get("external_ref") and "customer" in r.related]
        if not keyed:
            return
        present = {
            (deal.customer_id, deal.title, deal.expected_close_date): deal
            for deal in Deal.objects.filter(
                customer_id__in={r.related["customer"].pk for r in keyed},
                title__in={r.values["title"] for r in keyed},
            )
        }
        for row in keyed:
            key = (
                row.related["customer"].pk,
                row.values["title"],
                row.values.get("expected_close_date"),
            )
            if key in present:
                row.mark_duplicate(
                    present[key],
                    "title",
                    _(
                        "This customer has a deal of this title and expected close date; "
                        "the row is skipped."
                    ),
                )

    def write(self, row: ImportRow) -> str:
        values: dict[str, Any] = {n: row.values[n] for n in self._FIELDS if n in row.values}
        values["customer"] = row.related["customer"]
        if "owner" in row.related:
            values["owner"] = row.related["owner"]
        stage: PipelineStage | None = row.related.get("stage")
        lost_reason = row.values.get("lost_reason")
        deal: Deal | None = row.existing
        if deal is None:
            deal = services_pipeline.deal_create(
                actor=self.actor,
                stage=stage,
                lost_reason=lost_reason,
                external_ref=row.values.get("external_ref"),
                **values,
            )
            row.existing = deal
            outcome = CREATED
        else:
            outcome = UNCHANGED
            if stage is not None and stage.pk != deal.stage_id:
                deal = services_pipeline.deal_move(
                    actor=self.actor, deal=deal, stage=stage, lost_reason=lost_reason
                )
                outcome = UPDATED
            changes = self.changes(deal, values)
            if changes:
                deal = services_pipeline.deal_update(actor=self.actor, deal=deal, **changes)
                outcome = UPDATED
        closed_on = row.values.get("closed_on")
        if closed_on is not None:
            field = "won_on" if deal.stage.is_won else "lost_on" if deal.stage.is_lost else ""
            if field and getattr(deal, field) != closed_on:
                Deal.all_objects.filter(pk=deal.pk).update(**{field: closed_on})
                setattr(deal, field, closed_on)
                outcome = outcome if outcome == CREATED else UPDATED
        return outcome
