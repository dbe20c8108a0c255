"""The TCO pages 总拥有成本: the plans, one plan's figures, create, edit, delete, xlsx.

Reads go through ``selectors.tco`` (no right → 403, an unknown plan → 404), writes through
``services.tco`` (no right → 403; bad input shows on the form; a stale version → 409).
"""

from typing import Any, cast

from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.accounts.views.common import signed_in
from guanxi.core.views.generic import (
    ObjectDeleteView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
    ScopedPageView,
    object_or_404,
)
from guanxi.evaluation import export, rules
from guanxi.evaluation.forms.tco import TCOPlanEditForm, TCOPlanForm
from guanxi.evaluation.methods import tco as method
from guanxi.evaluation.models import TCOPlan
from guanxi.evaluation.presenters import tco_page
from guanxi.evaluation.selectors import tco as selectors
from guanxi.evaluation.services import tco as services

ACTIVE_NAV = "tco"


class TCOListView(ObjectListView):
    """The plans with their total, initial share and cost per user per year."""

    permission = rules.VIEW_TCO_PLAN
    active_nav = ACTIVE_NAV
    template_name = "evaluation/tco_list.html"
    ordering = ("name", "id")

    def rows(self, request: HttpRequest, form: Any) -> Any:
        return selectors.tco_plan_list(actor=signed_in(request))

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        for plan in page:  # from the sums the list query made: no further query
            plan.initial_share = plan.initial_total / plan.total if plan.total else None
            plan.per_user_year = method.cost_per_user_year(plan.total, plan.users)
        return {"can_edit": rules.edits_tco(request.user)}


class _PlanView(ObjectView):
    model = TCOPlan
    active_nav = ACTIVE_NAV
    permission = rules.VIEW_TCO_PLAN
    context_object_name = "plan"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors.tco_plan_get, actor=signed_in(request), pk=pk)


class TCOPlanView(_PlanView):
    template_name = "evaluation/tco_detail.html"

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        plan = cast(TCOPlan, record)
        return {"page": tco_page(plan), "can_edit": rules.edits_tco(request.user)}


class TCOPlanExportView(ScopedPageView):
    """The plan's tables as xlsx; the download is written to the access log."""

    permission = rules.VIEW_TCO_PLAN

    def get(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponseBase:
        plan = cast(TCOPlan, object_or_404(selectors.tco_plan_get, actor=signed_in(request), pk=pk))
        response = export.tco_response(plan, selectors.tco_figures(plan))
        export.log_export(request, target=plan)
        return response


class _PlanFormView(_PlanView, ObjectFormView):
    template_name = "evaluation/tco_form.html"

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("evaluation:tco_detail", args=[record.pk])

    def success_message(self, record: Any) -> str:
        return _("The TCO plan %(name)s was saved.") % {"name": record.name}

    def form_context(self, request: HttpRequest, form: Any, record: Model | None) -> dict[str, Any]:
        return {"years": range(1, method.YEARS + 1)}


class TCOPlanCreateView(_PlanFormView):
    permission = rules.ADD_TCO_PLAN

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return TCOPlanForm(data)

    def save(self, request: HttpRequest, form: Any, record: Any) -> TCOPlan:
        return services.tco_plan_create(actor=signed_in(request), **form.values())


class TCOPlanEditView(_PlanFormView):
    permission = rules.CHANGE_TCO_PLAN

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            return TCOPlanEditForm(initial=TCOPlanForm.initial_for(record))
        return TCOPlanEditForm(data)

    def save(self, request: HttpRequest, form: Any, record: Any) -> TCOPlan:
        return services.tco_plan_update(
            actor=signed_in(request),
            plan=record,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )


class TCOPlanDeleteView(_PlanView, ObjectDeleteView):
    permission = rules.DELETE_TCO_PLAN
    template_name = "evaluation/confirm_delete.html"

    def delete(self, request: HttpRequest, record: Any, expected_version: int) -> None:
        services.tco_plan_delete(
            actor=signed_in(request), plan=record, expected_version=expected_version
        )

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("evaluation:tco_list")

    def conflict_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("evaluation:tco_detail", args=[record.pk])

    def success_message(self, record: Any) -> str:
        return _("The TCO plan was moved to the recycle bin.")

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        return {"back_url": reverse("evaluation:tco_detail", args=[record.pk])}


tco_list = TCOListView.as_view()
tco_detail = TCOPlanView.as_view()
tco_export = TCOPlanExportView.as_view()
tco_create = TCOPlanCreateView.as_view()
tco_edit = TCOPlanEditView.as_view()
tco_delete = TCOPlanDeleteView.as_view()
