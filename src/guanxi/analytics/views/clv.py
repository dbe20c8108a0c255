"""The CLV report's "Fit now": who sees everything refits the company's model in the background."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics import rules
from guanxi.analytics.models import ModelRun
from guanxi.analytics.services import clv as clv_services
from guanxi.analytics.services.runs import run_request
from guanxi.analytics.views.reports import ReportsPageView


class CLVFitView(ReportsPageView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = cast(User, request.user)  # signed in (ScopedPageView)
        # A manager's fit would change nothing the page shows (it reads the company's scores).
        if not actor.has_perm(rules.RUN_COMPANY_MODELS):
            raise PermissionDenied
        run_request(
            kind=ModelRun.Kind.CLV,
            actor=actor,
            params=clv_services.clv_params(
                until=timezone.localdate(), time_unit=clv_services.DEFAULT_TIME_UNIT
            ),
            background=True,
        )
        messages.success(
            request,
            _(
                "The customer lifetime value model is being fitted in the background; the "
                "figures change when it is done."
            ),
        )
        return redirect("analytics:report", slug="clv")


clv_fit = CLVFitView.as_view()
