"""Service requests 客户服务 on the customer 360 page: a timeline provider and key figures
(open requests, average satisfaction).

Imported by ``ServiceConfig.ready()``; the customers app only knows its registries.
"""

from django.db.models import Avg, Count, Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from guanxi.customers import key_figures
from guanxi.customers import timeline as customer_timeline
from guanxi.service import rules
from guanxi.service.models import ServiceRequest


@customer_timeline.register
class ServiceRequestProvider(customer_timeline.QuerysetProvider):
    """Every service request of the customer (whoever filed or handles it), when it came in."""

    kind = "service_request"
    label = gettext_lazy("Service requests")
    permission = rules.VIEW_SERVICEREQUEST
    time_field = "created_at"

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


@key_figures.register
def service_figures(*, actor, customer) -> list[key_figures.KeyFigure]:
    """Open requests 未结服务 and the satisfaction from service feedback 服务反馈满意度: the mean
    of every feedback given (each round's score counts) and how many answers it rests on, from
    one query.

    This is the computed satisfaction, shown read-only; the customer's own ``satisfaction``
    field is what a user entered and is never written from the feedback.
    """
    if not actor.has_perm(rules.VIEW_SERVICEREQUEST):
        return []
    answered = Q(round_set__satisfaction__isnull=False)
    facts = ServiceRequest.objects.filter(customer=customer).aggregate(
        open=Count("pk", filter=Q(status__in=ServiceRequest.OPEN_STATUSES), distinct=True),
        satisfaction=Avg("round_set__satisfaction", filter=answered),
        answers=Count("round_set", filter=answered),
    )
    average, answers = facts["satisfaction"], facts["answers"]
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
