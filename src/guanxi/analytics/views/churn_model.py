"""The churn model page 客户流失预测 (``/reports/churn-model/``): how well the model predicts,
its rules and its tree as of its training, and "Train now".

The page reads the stored run only; training is a job (or, for few customers, done in the
request that asked). Who sees everything trains the company's model, which scores every
customer; a manager trains on their own customers, an analysis only they read.
"""

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics import rules
from guanxi.analytics.churn_text import model_summary, tree_view
from guanxi.analytics.models import ModelRun
from guanxi.analytics.selectors.runs import run_latest
from guanxi.analytics.selectors.subjects import model_customers
from guanxi.analytics.services.runs import run_request
from guanxi.analytics.views.reports import ReportsPageView

# More customers than this are trained by the worker; the page says the run has started.
INLINE_CUSTOMERS = 5_000


class ChurnModelView(ReportsPageView):
    active_nav = "churn_model"
    http_method_names = ["get", "head", "options", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = cast(User, request.user)
        model = run_latest(actor=actor, kind=ModelRun.Kind.CHURN)
        newest = run_latest(actor=actor, kind=ModelRun.Kind.CHURN, finished=False)
        summary = model_summary(model) if model is not None else None
        context = self.get_context(
            model=summary,
            tree=tree_view(model.result["tree"], model.result.get("labels", {}))
            if model is not None
            else None,
            # The newest run when it is not the model shown: refused (why) or still running.
            pending=newest if newest is not None and newest != model else None,
            company=actor.has_perm(rules.RUN_COMPANY_MODELS),
            importance_max=max(
                (i["importance"] for i in (summary or {}).get("importances", [])), default=0
            ),
        )
        return render(request, "analytics/churn_model.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = cast(User, request.user)
        large = model_customers(actor=actor).count() > INLINE_CUSTOMERS
        run = run_request(kind=ModelRun.Kind.CHURN, actor=actor, background=large)
        if large:
            messages.info(request, _("Training has started; this page shows the model when done."))
        elif run.status == ModelRun.Status.DONE:
            messages.success(request, _("The churn model was trained."))
        return HttpResponseRedirect(reverse("analytics:churn_model"))


churn_model_page = ChurnModelView.as_view()
