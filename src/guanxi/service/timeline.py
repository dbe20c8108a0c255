"""Service requests 客户服务 on the customer 360 page: a timeline provider and key figures
(open requests, average satisfaction).

Imported by ``ServiceConfig.ready()``; the customers app only knows its registries.
"""

from django.db.models import Avg, Count, F, FloatField, IntegerField, Value
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from guanxi.customers import key_figures, next_steps, related
from guanxi.customers import timeline as customer_timeline
from guanxi.service import rules
from guanxi.service.models import ServiceRequest, ServiceRound


@customer_timeline.register
class ServiceRequestProvider(customer_timeline.QuerysetProvider):
    """Every service request of the customer (whoever filed or handles it), when it came in."""

    kind = "service_request"
    label = gettext_lazy("Service requests")
    permission = rules.VIEW_SERVICEREQUEST
    time_field = "created_at"
    model = ServiceRequest
    load_fields = (
        "created_at",
        "code",
        "summary",
        "status",
        "satisfaction",
        "service_type",
        "channel",
        "assigned_to",
        "created_by",
    )
    load_related = {
        "service_type": ("name_zh", "name_en"),
        "channel": ("name_zh", "name_en"),
        "assigned_to": customer_timeline.USER_NAME,
        "created_by": customer_timeline.USER_NAME,
    }

    def queryset(self, *, actor, customer):
        return ServiceRequest.objects.filter(customer=customer).select_related(
            "service_type", "channel", "assigned_to", "created_by"
        )

    def entry(self, row, *, actor):
        parts = [row.service_type.label, row.channel.label]
        if row.assigned_to_id:
            parts.append(_("assigned to %(name)s") % {"name": row.assigned_to})
        if row.satisfaction is not None and row.is_archived:
            parts.append(_("satisfaction %(score)s") % {"score": row.satisfaction})
        return customer_timeline.TimelineEntry(
            kind=self.kind,
            pk=row.pk,
            when=row.created_at,
            title=_("Service request %(code)s: %(summary)s")
            % {"code": row.code, "summary": row.summary},
            actor=row.created_by,
            text=" · ".join(str(part) for part in parts),
            url=customer_timeline.safe_url("service:request_detail", row.pk),
            icon="service",
            subtype=row.status,
            label=row.get_status_display(),
            record=row,
        )


def _service_facts(*, actor) -> dict:
    if not actor.has_perm(rules.VIEW_SERVICEREQUEST):
        return {}
    answered = ServiceRound.objects.filter(
        satisfaction__isnull=False, request__deleted_at__isnull=True
    )
    return {
        "service_open": key_figures.aggregate_of(
            ServiceRequest.objects.filter(status__in=ServiceRequest.OPEN_STATUSES),
            Count("pk"),
            output_field=IntegerField(),
            default=Value(0),
        ),
        "service_satisfaction": key_figures.aggregate_of(
            answered,
            Avg("satisfaction"),
            output_field=FloatField(),
            customer_field="request__customer",
        ),
        "service_answers": key_figures.aggregate_of(
            answered,
            Count("pk"),
            output_field=IntegerField(),
            default=Value(0),
            customer_field="request__customer",
        ),
    }


def service_figures(*, actor, customer, facts) -> list[key_figures.KeyFigure]:
    """Open requests 未结服务 and the satisfaction from service feedback 服务反馈满意度: the mean
    of every feedback given (each round's score counts) and how many answers it rests on.

    This is the computed satisfaction, shown read-only; the customer's own ``satisfaction``
    field is what a user entered and is never written from the feedback.
    """
    average, answers = facts["service_satisfaction"], facts["service_answers"]
    facts = {"open": facts["service_open"]}
    shown = key_figures.NONE
    if average is not None:
        shown = ngettext(
            "%(score)s (%(count)d answer)", "%(score)s (%(count)d answers)", answers
        ) % {"score": formats.number_format(average, 1), "count": answers}
    return [
        key_figures.KeyFigure(
            "open_service_requests",
            _("Open service requests"),
            facts["open"],
            str(facts["open"]),
        ),
        key_figures.KeyFigure(
            "average_satisfaction",
            _("Satisfaction from service feedback"),
            round(average, 1) if average is not None else None,
            shown,
        ),
    ]


key_figures.register(key_figures.FigureSource(facts=_service_facts, figures=service_figures))


# -- next steps and the tab of the 360 page ------------------------------------------------------


def _open_requests(*, actor, customer):
    return ServiceRequest.objects.filter(
        customer=customer,
        status__in=ServiceRequest.OPEN_STATUSES,
        resolution_due_at__isnull=False,
    ).annotate(
        step_when=TruncDate("resolution_due_at", tzinfo=timezone.get_current_timezone()),
        step_title=F("summary"),
    )


next_steps.register(
    next_steps.NextStepSource(
        kind="service_request",
        label=gettext_lazy("Service request due"),
        permission=rules.VIEW_SERVICEREQUEST,
        url_name="service:request_detail",
        rows=_open_requests,
    )
)


def _requests(*, actor, customer, limit):
    requests = ServiceRequest.objects.filter(customer=customer).order_by("-created_at", "-pk")
    return [
        related.RelatedRow(
            title=f"{request.code} {request.summary}",
            url=reverse("service:request_detail", args=[request.pk]),
            when=request.created_at,
            status=request.get_status_display(),
        )
        for request in requests[:limit]
    ]


related.register(
    related.RelatedTab(
        key="service",
        label=gettext_lazy("Service requests"),
        permission=rules.VIEW_SERVICEREQUEST,
        rows=_requests,
        order=30,
    )
)
