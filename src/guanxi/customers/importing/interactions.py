"""The interaction importer 交往记录导入: dated, with their contact and who had them."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.readers import MAX_BULK_IMPORT_BYTES, MAX_BULK_IMPORT_ROWS
from guanxi.core.imports.registry import (
    CHOICE,
    CREATED,
    DATETIME,
    OWNER,
    REF,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportRow,
)
from guanxi.core.imports.values import not_in_future
from guanxi.core.rules import manages_accounts, sees_everything, supervises
from guanxi.core.scoping import scope_queryset
from guanxi.customers import rules
from guanxi.customers.importing.interaction_writes import interactions_write
from guanxi.customers.importing.related import (
    CUSTOMER_COLUMN,
    CUSTOMER_FIELDS_READ,
    contacts_find,
    customers_find,
    own_fields,
    related_fields,
)
from guanxi.customers.models import Interaction
from guanxi.customers.services import interactions as services_interactions


class InteractionImporter(Importer):
    """Interactions 交往记录: a visit, call, e-mail or meeting with a customer, on its date."""

    entity = "interactions"
    model = Interaction
    label = gettext_lazy("interactions")
    permission = rules.ADD_INTERACTION
    url_namespace = "customers"
    max_rows = MAX_BULK_IMPORT_ROWS
    max_bytes = MAX_BULK_IMPORT_BYTES
    batch_size = 2000
    list_url = "customers:interaction_list"
    owner_field = "owner"
    columns = (
        CUSTOMER_COLUMN,
        Column(
            "contact",
            gettext_lazy("Contact"),
            REF,
            ("联系人", "联系人姓名", "contact", "contactname"),
        ),
        Column(
            "occurred_at",
            gettext_lazy("Date"),
            DATETIME,
            ("日期", "时间", "交往日期", "交往时间", "拜访日期", "date", "occurredat", "time"),
            required=True,
        ),
        Column(
            "kind",
            gettext_lazy("Kind"),
            CHOICE,
            ("类型", "方式", "交往方式", "kind", "type", "channel"),
            choices=Interaction.Kind,
        ),
        Column(
            "place",
            gettext_lazy("Place"),
            synonyms=("地点", "地址", "place", "location"),
            max_length=200,
        ),
        Column(
            "summary",
            gettext_lazy("Summary"),
            synonyms=("概要", "摘要", "主题", "标题", "summary", "subject", "title"),
            required=True,
            max_length=200,
        ),
        Column(
            "details",
            gettext_lazy("Details"),
            synonyms=("详细信息", "详情", "内容", "记录", "details", "description", "notes"),
        ),
        Column(
            "owner",
            gettext_lazy("Recorded by"),
            OWNER,
            ("记录人", "负责人", "业务员", "客户经理", "owner", "recordedby", "user"),
        ),
    )
    key_columns = ("customer", "occurred_at", "summary")
    update_columns = ("contact", "occurred_at", "kind", "place", "summary", "details", "owner")
    _FIELDS = ("kind", "occurred_at", "place", "summary", "details")

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return (
            scope_queryset(queryset, self.actor)
            .select_related("customer", "contact")
            .only(
                *own_fields(Interaction),
                *related_fields("customer", CUSTOMER_FIELDS_READ),
                *related_fields("contact", ("id", "customer", "name", "external_ref")),
            )
        )

    def prepare(self, rows: list[ImportRow]) -> None:
        for row in rows:
            occurred_at = row.values.get("occurred_at")
            if occurred_at is not None:
                try:
                    not_in_future(occurred_at)
                except ValidationError:
                    row.error(
                        "occurred_at",
                        _(
                            "The date is in the future: "
                            "only interactions that happened are imported."
                        ),
                        "future",
                    )
        customers_find(self.actor, rows)
        self._owners_check(rows)
        contacts_find([r for r in rows if "customer" in r.related and r.values.get("contact")])

    def _owners_check(self, rows: list[ImportRow]) -> None:
        """Who had an interaction: anyone for a supervisor, an administrator or an executive
        (a migration names the people of the old system); else the importer or the
        customer's account manager, as when logging one by hand for them."""
        if supervises(self.actor) or sees_everything(self.actor) or manages_accounts(self.actor):
            return
        for row in rows:
            owner_id, customer = row.values.get("owner"), row.related.get("customer")
            if owner_id is None or owner_id == self.actor.pk:
                continue
            if customer is None or owner_id != customer.owner_id:
                row.error(
                    "owner",
                    _(
                        "You may import interactions had by yourself or by the customer's "
                        "account manager only."
                    ),
                    "refused",
                )

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Without an external id, an interaction with the same customer, date and summary is
        the row's duplicate (found for the whole batch in one query)."""
        keyed = [r for r in rows if not r.values.get("external_ref") and "customer" in r.related]
        if not keyed:
            return
        candidates: dict[tuple[int, Any, str], Interaction] = {}
        for interaction in Interaction.objects.filter(
            customer_id__in={r.related["customer"].pk for r in keyed},
            occurred_at__in={r.values["occurred_at"] for r in keyed},
        ).select_related("customer"):
            key = (interaction.customer_id, interaction.occurred_at, interaction.summary)
            candidates.setdefault(key, interaction)
        for row in keyed:
            key = (row.related["customer"].pk, row.values["occurred_at"], row.values["summary"])
            candidate = candidates.get(key)
            if candidate is not None:
                row.mark_duplicate(
                    candidate,
                    "summary",
                    _(
                        "“%(summary)s” with %(customer)s on %(date)s is present already "
                        "(same customer, date and summary)."
                    )
                    % {
                        "summary": candidate.summary,
                        "customer": candidate.customer,
                        "date": date_format(localtime(candidate.occurred_at), "SHORT_DATE_FORMAT"),
                    },
                )

    def describe(self, candidate: Any) -> dict[str, str]:
        when = date_format(localtime(candidate.occurred_at), "SHORT_DATE_FORMAT")
        return {
            "label": f"{candidate.summary} · {candidate.customer} · {when}",
            "code": candidate.external_ref or "",
            "url": candidate.get_absolute_url(),
        }

    def write(self, row: ImportRow) -> str:
        values: dict[str, Any] = {n: row.values[n] for n in self._FIELDS if n in row.values}
        if "contact" in row.related:
            values["contact"] = row.related["contact"]
        interaction = row.existing
        owner_id = row.values.get("owner")
        if interaction is None:
            interaction = services_interactions.interaction_create(
                actor=self.actor,
                customer=row.related["customer"],
                external_ref=row.values.get("external_ref"),
                **values,
            )
            row.existing = interaction
            outcome = CREATED
        else:
            changes = self.changes(interaction, values)
            outcome = UPDATED if changes else UNCHANGED
            if changes:
                services_interactions.interaction_update(
                    actor=self.actor, interaction=interaction, **changes
                )
        behalf = None if owner_id == self.actor.pk else owner_id
        if owner_id is not None and behalf != interaction.on_behalf_of_id:
            # The person who had the interaction, kept as the one it was entered for (as
            # for an assistant's entry), so reports count it to them.
            Interaction.all_objects.filter(pk=interaction.pk).update(on_behalf_of_id=behalf)
            outcome = outcome if outcome == CREATED else UPDATED
        return outcome

    def write_batch(self, rows: list[ImportRow]) -> bool:
        return interactions_write(actor=self.actor, rows=rows)
