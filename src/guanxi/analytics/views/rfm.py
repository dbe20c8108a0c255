""" "Recompute now" on the RFM report: who sees everything recomputes the company's RFM and
purchase cycles at once (small data) or has the worker do it (``services.rfm.rfm_compute``)."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics import rules
from guanxi.analytics.models import ModelRun
from guanxi.analytics.services.rfm import rfm_compute
from guanxi.core.formatting import format_datetime
from guanxi.core.views.generic import ScopedPageView


class RFMComputeView(ScopedPageView):
    http_method_names = ["post", "options"]
    permission = rules.VIEW_REPORTS
    active_nav = "reports"

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = cast(User, request.user)  # signed in (ScopedPageView)
        if not actor.has_perm(rules.RUN_COMPANY_MODELS):
            raise PermissionDenied
        run = rfm_compute(actor=actor)
        if run.status == ModelRun.Status.DONE:
            messages.success(
                request,
                _("RFM and purchase cycles were recomputed (figures as of %(time)s).")
                % {"time": format_datetime(run.started_at)},
            )
        elif run.status == ModelRun.Status.FAILED:
            messages.error(request, run.error)
        else:
            messages.info(
                request,
                _(
                    "RFM and purchase cycles are being recomputed in the background; "
                    "reload this page in a few minutes."
                ),
            )
        return redirect("analytics:report", slug="rfm")


rfm_compute_page = RFMComputeView.as_view()
