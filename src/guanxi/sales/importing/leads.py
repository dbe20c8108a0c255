"""The lead importer 线索导入: leads from another CRM or a spreadsheet, through the lead services.

Each row is created by :func:`services.leads.lead_create` with the source *import* unless the
file names another: validated, scored and routed exactly as a lead typed in (a row without an
owner goes to whom the routing rules say). A row naming its owner gives the lead to that
person if the importer may (as when assigning by hand); a disqualified lead keeps its reason
and closing date. Converted leads are not imported: their customers and opportunities are.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from guanxi.core.imports.registry import (
    CHOICE,
    CREATED,
    DATETIME,
    DICT,
    OWNER,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportRow,
)
from guanxi.core.imports.rows import past_dates_check, users_find
from guanxi.core.models import DictionaryKind
from guanxi.core.phones import phone_fields_normalise, phone_normalise
from guanxi.sales import rules
from guanxi.sales.models import Lead
from guanxi.sales.selectors.leads import lead_list
from guanxi.sales.services import leads as services_leads


class LeadImporter(Importer):
    """Leads 线索: a person or company that showed interest."""

    entity = "leads"
    model = Lead
    label = gettext_lazy("leads")
    permission = rules.ADD_LEAD
    url_namespace = "sales"
    list_url = "sales:lead_list"
    owner_field = "owner"
    columns = (
        Column(
            "name",
            pgettext_lazy("lead", "Name"),
            synonyms=(
                "姓名",
                "线索名称",
                "线索姓名",
                "联系人",
                "联系人姓名",
                "名字",
                "客户姓名",
                "name",
                "leadname",
                "fullname",
                "contact",
                "contactname",
                "person",
            ),
            required=True,
            max_length=100,
        ),
        Column(
            "company",
            gettext_lazy("Company"),
            synonyms=(
                "公司",
                "公司名称",
                "单位",
                "单位名称",
                "企业",
                "企业名称",
                "客户名称",
                "company",
                "companyname",
                "organisation",
                "organization",
                "account",
            ),
            max_length=200,
        ),
        Column(
            "phone",
            gettext_lazy("Phone"),
            synonyms=(
                "电话",
                "手机",
                "手机号",
                "手机号码",
                "联系电话",
                "phone",
                "mobile",
                "tel",
                "telephone",
            ),
        ),
        Column(
            "email",
            gettext_lazy("E-mail"),
            synonyms=("邮箱", "电子邮件", "电子邮箱", "email", "mail", "emailaddress"),
        ),
        Column(
            "region",
            gettext_lazy("Region"),
            DICT,
            ("地区", "区域", "所在地区", "省份", "region", "area", "state", "province"),
            dictionary=DictionaryKind.REGION,
        ),
        Column(
            "source",
            gettext_lazy("Lead source"),
            CHOICE,
            ("线索来源", "来源", "leadsource", "source"),
            choices=Lead.Source,
        ),
        Column(
            "notes",
            gettext_lazy("Notes"),
            synonyms=("备注", "说明", "需求", "描述", "notes", "note", "remarks", "description"),
        ),
        Column(
            "owner",
            gettext_lazy("Owner"),
            OWNER,
            ("负责人", "所有人", "线索负责人", "归属人", "业务员", "销售", "owner", "leadowner"),
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            CHOICE,
            ("状态", "线索状态", "跟进状态", "处理状态", "status", "leadstatus"),
            choices=Lead.Status,
        ),
        Column(
            "disqualify_reason",
            gettext_lazy("Disqualification reason"),
            synonyms=("无效原因", "关闭原因", "失效原因", "disqualifyreason", "disqualifiedreason"),
        ),
        Column(
            "closed_at",
            gettext_lazy("Closed at"),
            DATETIME,
            ("关闭时间", "关闭日期", "无效时间", "closedat", "closeddate", "closedate"),
        ),
    )
    _FIELDS = ("name", "company", "phone", "email", "region", "source", "notes")

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=lead_list(actor=self.actor).values("pk"))

    def prepare(self, rows: list[ImportRow]) -> None:
        past_dates_check(
            rows, ["closed_at"], _("The date is in the future: a lead is closed in the past.")
        )
        for row in rows:
            status = row.values.get("status")
            if status == Lead.Status.CONVERTED:
                row.error(
                    "status",
                    _(
                        "Converted leads are not imported: import the customers "
                        "and opportunities they became."
                    ),
                    "refused",
                )
            elif status == Lead.Status.DISQUALIFIED and not row.values.get("disqualify_reason"):
                row.error(
                    "disqualify_reason",
                    _("Say why this lead is disqualified."),
                    "required",
                )
        users_find(rows, "owner")

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Without an external id, a lead of the same name and company, phone or e-mail is
        present: the row is skipped (unless the user chooses otherwise)."""
        keyed = [row for row in rows if not row.values.get("external_ref")]
        if not keyed:
            return
        names = {row.values["name"] for row in keyed}
        present: dict[tuple[str, str], Lead] = {}
        for lead in Lead.objects.filter(name__in=names):
            for key in (lead.company, lead.phone, lead.email):
                if key:
                    present.setdefault((lead.name, key), lead)
        for row in keyed:
            for name in ("company", "phone", "email"):
                candidate = present.get((row.values["name"], _key(row, name)))
                if candidate is not None:
                    row.mark_duplicate(
                        candidate,
                        name,
                        _("A lead of this name and %(field)s exists; the row is skipped.")
                        % {"field": _LABELS[name]},
                    )
                    break

    def write(self, row: ImportRow) -> str:
        values: dict[str, Any] = {n: row.values[n] for n in self._FIELDS if n in row.values}
        owner = row.related.get("owner")
        lead = row.existing
        if lead is None:
            values.setdefault("source", Lead.Source.IMPORT)
            lead = services_leads.lead_create(
                actor=self.actor,
                owner=owner,
                external_ref=row.values.get("external_ref"),
                **values,
            )
            row.existing = lead
            outcome = CREATED
        else:
            phone_fields_normalise(values, {"phone": _PHONE_LABEL}, current=lead)
            changes = self.changes(lead, values)
            outcome = UNCHANGED
            if changes:
                lead = services_leads.lead_update(actor=self.actor, lead=lead, **changes)
                outcome = UPDATED
            if owner is not None and owner.pk != lead.owner_id and not lead.is_closed:
                lead = services_leads.lead_assign(actor=self.actor, lead=lead, owner=owner)
                outcome = UPDATED
        if row.values.get("status") == Lead.Status.DISQUALIFIED and not lead.is_closed:
            lead = services_leads.lead_disqualify(
                actor=self.actor, lead=lead, reason=row.values["disqualify_reason"]
            )
            outcome = outcome if outcome == CREATED else UPDATED
        closed_at = row.values.get("closed_at")
        if lead.is_closed and closed_at is not None and closed_at != lead.closed_at:
            Lead.all_objects.filter(pk=lead.pk).update(closed_at=closed_at)
            lead.closed_at = closed_at
            outcome = outcome if outcome == CREATED else UPDATED
        return outcome


_LABELS = {
    "company": gettext_lazy("company"),
    "phone": gettext_lazy("phone"),
    "email": gettext_lazy("e-mail"),
}
_PHONE_LABEL = gettext_lazy("phone")


def _key(row: ImportRow, name: str) -> str:
    """The row's ``name`` value as a lead stores it (phones in E.164)."""
    value = row.values.get(name) or ""
    if name == "phone" and value:
        try:
            return phone_normalise(value, label=str(_PHONE_LABEL))
        except ValidationError:
            return value
    return value
