"""The SLA settings page 服务水平: hours to the first response and to resolution promised
per service type, for administrators (``services.sla`` saves them)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.views.generic import ScopedPageView
from guanxi.service import rules
from guanxi.service.forms.requests import ServiceLevelTargetForm
from guanxi.service.selectors import requests as selectors
from guanxi.service.services import sla as services_sla
from guanxi.service.views.requests import actor_of


class SlaSettingsView(ScopedPageView):
    """First-response and resolution hours per service type, for administrators.

    One form per service type saved all or none, not one record: the generic form view does
    not fit, the rights and the navigation come from ``ScopedPageView``.
    """

    permission = rules.CHANGE_SERVICELEVELTARGET
    active_nav = "sla"
    http_method_names = ["get", "post", "head", "options"]

    def rows(self, request: HttpRequest) -> list[tuple[Any, Any, ServiceLevelTargetForm]]:
        rows = []
        for service_type, target in selectors.service_level_targets():
            if target is None:
                first, resolution = services_sla.sla_hours(service_type)
                initial = {"first_response_hours": first, "resolution_hours": resolution}
            else:
                initial = {
                    "first_response_hours": target.first_response_hours,
                    "resolution_hours": target.resolution_hours,
                }
            data = request.POST if request.method == "POST" else None
            form = ServiceLevelTargetForm(data, initial=initial, prefix=f"type{service_type.pk}")
            rows.append((service_type, target, form))
        return rows

    def render_rows(self, request: HttpRequest, rows: list[Any]) -> HttpResponse:
        context = self.get_context(rows=rows, saved_any=any(t for _s, t, _f in rows))
        return render(request, "service/sla_settings.html", context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_rows(request, self.rows(request))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = self.rows(request)
        if not all(form.is_valid() for _t, _target, form in rows):
            return self.render_rows(request, rows)
        targets = [
            (
                service_type,
                form.cleaned_data["first_response_hours"],
                form.cleaned_data["resolution_hours"],
            )
            for service_type, _target, form in rows
        ]
        try:
            services_sla.service_level_targets_set(actor=actor_of(request), targets=targets)
        except services_sla.ServiceLevelRefused as refused:
            for service_type, _target, form in rows:
                if service_type.pk == refused.service_type.pk:
                    apply_validation_error(form, refused)  # type: ignore[arg-type]
            return self.render_rows(request, rows)
        messages.success(request, _("The service levels were saved."))
        return redirect("service:sla_settings")


sla_settings = SlaSettingsView.as_view()
