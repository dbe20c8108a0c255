"""Service request 客户服务 pages. Reads through selectors (out of scope → 404), writes through
services."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from guanxi.core.decorators import requires
from guanxi.core.selectors import record_history
from guanxi.service import selectors, services
from guanxi.service.models import ServiceRequest

ACTIVE_NAV = "service"


def _request_or_404(request, pk) -> ServiceRequest:
    try:
        return selectors.service_request_get(actor=request.user, pk=pk)
    except ServiceRequest.DoesNotExist as missing:
        raise Http404 from missing


@requires("service.view_servicerequest")
@require_GET
def request_detail(request, pk):
    service_request = _request_or_404(request, pk)
    actor = request.user
    return render(
        request,
        "service/request_detail.html",
        {
            "active_nav": ACTIVE_NAV,
            "service_request": service_request,
            "rounds": selectors.service_round_list(actor=actor, service_request=service_request),
            "history": record_history(instance=service_request),
            "can_edit": services.can_edit(actor, service_request),
            "can_assign": services.can_assign(actor, service_request),
            "can_handle": services.can_handle(actor, service_request),
            "can_give_feedback": services.can_give_feedback(actor, service_request),
        },
    )
