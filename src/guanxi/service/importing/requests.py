"""The service request importer 服务请求导入: requests of another system, with their dates.

A row names its customer (code, external id or exact name, among those the importer may see),
optionally the contact (external id or name, at that customer), its service type and channel
(dictionary entries by code, name or pinyin). Each row is filed by
:func:`services.requests.service_request_create`, given to the person the file names by
:func:`services.requests.service_request_assign`, and — when the old system finished it —
recorded as handled or archived on the old dates by
:func:`services.history.service_request_history_record`. The date it was reported is kept as
its creation date, and its service-level due times are counted from then.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import (
    CHOICE,
    CREATED,
    DATETIME,
    DICT,
    INT,
    OWNER,
    REF,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportRow,
)
from guanxi.core.imports.rows import past_dates_check, users_find
from guanxi.core.models import DictionaryKind
from guanxi.customers.importing.related import CUSTOMER_COLUMN, contacts_find, customers_find
from guanxi.service import rules
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors.requests import service_request_list
from guanxi.service.services import history as services_history
from guanxi.service.services import requests as services_requests
from guanxi.service.services.sla import due_times_set

Status = ServiceRequest.Status


class ServiceRequestImporter(Importer):
    """Service requests 服务请求: what a customer asked, and how it was handled."""

    entity = "service-requests"
    model = ServiceRequest
    label = gettext_lazy("service requests")
    permission = rules.ADD_SERVICEREQUEST
    url_namespace = "service"
    list_url = "service:request_list"
    owner_field = "assigned_to"
    columns = (
        CUSTOMER_COLUMN,
        Column(
            "contact",
            gettext_lazy("Contact"),
            REF,
            ("联系人", "联系人姓名", "报告人", "contact", "contactname", "reportedby"),
        ),
        Column(
            "service_type",
            gettext_lazy("Service type"),
            DICT,
            ("服务类型", "类型", "工单类型", "请求类型", "type", "servicetype", "casetype"),
            required=True,
            dictionary=DictionaryKind.SERVICE_TYPE,
        ),
        Column(
            "summary",
            gettext_lazy("Summary"),
            synonyms=(
                "概要",
                "主题",
                "标题",
                "工单标题",
                "服务主题",
                "summary",
                "subject",
                "title",
            ),
            required=True,
            max_length=200,
        ),
        Column(
            "request",
            gettext_lazy("Request"),
            synonyms=(
                "请求内容",
                "问题描述",
                "服务内容",
                "描述",
                "详细描述",
                "内容",
                "request",
                "description",
                "details",
            ),
            required=True,
        ),
        Column(
            "channel",
            gettext_lazy("Channel"),
            DICT,
            ("渠道", "来源渠道", "受理渠道", "来源", "channel", "origin", "source"),
            dictionary=DictionaryKind.CHANNEL,
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            CHOICE,
            ("状态", "工单状态", "处理状态", "status", "state"),
            choices=ServiceRequest.Status,
        ),
        Column(
            "assigned_to",
            gettext_lazy("Assigned to"),
            OWNER,
            ("处理人", "负责人", "受理人", "指派给", "assignedto", "assignee", "owner"),
        ),
        Column(
            "reported_at",
            gettext_lazy("Reported at"),
            DATETIME,
            ("报告日期", "报告时间", "受理时间", "受理日期", "提交时间", "reportedat", "opened"),
        ),
        Column(
            "handled_at",
            gettext_lazy("Handled at"),
            DATETIME,
            ("处理时间", "处理日期", "解决时间", "handledat", "resolvedat"),
        ),
        Column(
            "archived_at",
            gettext_lazy("Closed at"),
            DATETIME,
            (
                "关闭时间",
                "关闭日期",
                "归档时间",
                "结案时间",
                "closedat",
                "closeddate",
                "archivedat",
            ),
        ),
        Column(
            "result",
            gettext_lazy("Result"),
            synonyms=("处理结果", "结果", "解决方案", "result", "resolution"),
        ),
        Column(
            "satisfaction",
            gettext_lazy("Satisfaction"),
            INT,
            ("满意度", "评分", "客户满意度", "satisfaction", "rating"),
        ),
    )
    _FIELDS = ("service_type", "summary", "request", "channel")

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=service_request_list(actor=self.actor).values("pk"))

    def prepare(self, rows: list[ImportRow]) -> None:
        past_dates_check(
            rows,
            ("reported_at", "handled_at", "archived_at"),
            _("The date is in the future: only requests that were made are imported."),
        )
        for row in rows:
            reported = row.values.get("reported_at")
            if reported is not None and "created_at" not in row.values:
                row.values["created_at"] = reported
            status = row.values.get("status")
            if status in (Status.ASSIGNED, *services_history.FINISHED) and not row.values.get(
                "assigned_to"
            ):
                row.error(
                    "assigned_to",
                    _("Name whom the request was assigned to."),
                    "required",
                )
        customers_find(self.actor, rows)
        contacts_find([r for r in rows if "customer" in r.related and r.values.get("contact")])
        users_find(rows, "assigned_to")

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Without an external id, a request of the same customer and summary reported at the
        same time (or, without a reporting time, with the same text) is present: the row is
        skipped unless the user chooses otherwise."""
        keyed = [r for r in rows if not r.values.get("external_ref") and "customer" in r.related]
        if not keyed:
            return
        present: dict[tuple[Any, ...], ServiceRequest] = {}
        for request in ServiceRequest.objects.filter(
            customer_id__in={r.related["customer"].pk for r in keyed},
            summary__in={r.values["summary"] for r in keyed},
        ):
            present[(request.customer_id, request.summary, request.created_at)] = request
            present.setdefault((request.customer_id, request.summary, request.request), request)
        for row in keyed:
            reported = row.values.get("created_at") or row.values.get("request")
            key = (row.related["customer"].pk, row.values["summary"], reported)
            if key in present:
                row.mark_duplicate(
                    present[key],
                    "summary",
                    _(
                        "This customer has a request of this summary reported at the same "
                        "time; the row is skipped."
                    ),
                )

    def write(self, row: ImportRow) -> str:
        values: dict[str, Any] = {n: row.values.get(n) for n in self._FIELDS}
        customer, contact = row.related["customer"], row.related.get("contact")
        service_request: ServiceRequest | None = row.existing
        if service_request is None:
            service_request = services_requests.service_request_create(
                actor=self.actor,
                customer=customer,
                contact=contact,
                external_ref=row.values.get("external_ref"),
                **values,
            )
            row.existing = service_request
            outcome = CREATED
        else:
            values.update(customer=customer, contact=contact)
            changes = self.changes(service_request, values)
            outcome = UNCHANGED
            if changes:
                service_request = services_requests.service_request_update(
                    actor=self.actor, service_request=service_request, **changes
                )
                outcome = UPDATED
        assignee = row.related.get("assigned_to")
        if (
            assignee is not None
            and service_request.status in (Status.NEW, Status.ASSIGNED)
            and service_request.assigned_to_id != assignee.pk
        ):
            service_request = services_requests.service_request_assign(
                actor=self.actor, service_request=service_request, assignee=assignee
            )
            outcome = outcome if outcome == CREATED else UPDATED
        status = row.values.get("status")
        if status in services_history.FINISHED and service_request.status == Status.ASSIGNED:
            service_request = services_history.service_request_history_record(
                actor=self.actor,
                service_request=service_request,
                status=status,
                handled_at=row.values.get("handled_at"),
                archived_at=row.values.get("archived_at"),
                result=row.values.get("result", ""),
                satisfaction=row.values.get("satisfaction"),
            )
            outcome = outcome if outcome == CREATED else UPDATED
        return outcome

    def keep_created_at(self, instance: Any, created_at: Any) -> None:
        """The reporting date, and the service-level due times counted from it."""
        if created_at is None:
            return
        instance.created_at = created_at
        due_times_set(instance)
        ServiceRequest.all_objects.filter(pk=instance.pk).update(
            created_at=created_at,
            response_due_at=instance.response_due_at,
            resolution_due_at=instance.resolution_due_at,
        )
