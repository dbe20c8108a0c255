"""The opportunity pages 销售机会: list, create, edit, delete, detail with the development plan
客户开发计划, assignment, and finishing with success or termination.

Reads go through ``selectors.opportunities`` (out of scope → 404), writes through
``services.opportunities`` (no right → 403; a refused transition or bad input shows on the
form; a stale version → 409 with the form). Plan items are added and their results recorded in
place with htmx; without JavaScript the same forms post and redirect.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form
from guanxi.core.lists import ListColumn
from guanxi.core.scoping import can_see
from guanxi.core.views.generic import (
    ObjectDeleteView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
    object_or_404,
    posted_version,
)
from guanxi.customers.dedup import DuplicateError
from guanxi.sales import rules
from guanxi.sales.forms.opportunities import (
    OpportunityAssignForm,
    OpportunityEditForm,
    OpportunityFilterForm,
    OpportunityForm,
    OpportunitySucceedForm,
    OpportunityTerminateForm,
    PlanItemForm,
    PlanItemResultForm,
)
from guanxi.sales.models import Opportunity
from guanxi.sales.selectors import opportunities as selectors
from guanxi.sales.services import opportunities as services
from guanxi.sales.views.base import LockedRecordMixin, signed_in
from guanxi.sales.views.inline import mark_inline_editable

ACTIVE_NAV = "opportunities"


# -- list --------------------------------------------------------------------------------------


# The columns a reader may hide on this list (the code/name and the amount always show).
OPPORTUNITY_COLUMNS = [
    ListColumn("summary", gettext_lazy("Summary")),
    ListColumn("source", gettext_lazy("Source")),
    ListColumn("probability", gettext_lazy("Success probability")),
    ListColumn("expected_close_date", gettext_lazy("Expected close date"), shown_by_default=False),
    ListColumn("status", gettext_lazy("Status")),
    ListColumn("assigned_to", gettext_lazy("Assigned to")),
    ListColumn("created_by", gettext_lazy("Created by")),
    ListColumn("created", gettext_lazy("Created")),
]


class OpportunityListView(ObjectListView):
    """Opportunities in the user's scope: filter by status, search the prospect, ``mine``."""

    permission = rules.VIEW_OPPORTUNITY
    active_nav = ACTIVE_NAV
    template_name = "sales/opportunity_list.html"
    list_key = "opportunities"
    list_columns = OPPORTUNITY_COLUMNS
    total_field = "expected_amount"
    total_label = gettext_lazy("Expected amount of the matching opportunities")
    partial_template_name = "sales/partials/_opportunity_table.html"
    ordering = selectors.OPPORTUNITY_LIST_ORDERING

    def get_filter_form(self, request: HttpRequest) -> Any:
        return OpportunityFilterForm(request.GET or None, actor=signed_in(request))

    def rows(self, request: HttpRequest, form: Any) -> Any:
        return selectors.opportunity_list(actor=signed_in(request), **form.query())

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        if request.user.has_perm(rules.CHANGE_OPPORTUNITY):
            mark_inline_editable(request.user, page, rules.can_edit_opportunity)
        return {"partial": is_partial(request)}


# -- one opportunity ---------------------------------------------------------------------------


class _OpportunityView(ObjectView):
    model = Opportunity
    active_nav = ACTIVE_NAV
    context_object_name = "opportunity"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors.opportunity_get, actor=signed_in(request), pk=pk)

    def conflict_text(self) -> str:
        return _(
            "Someone else changed this opportunity after you opened it, so nothing was saved. "
            "Reload the page to see their changes, then make yours again."
        )


def _not_editable(request: HttpRequest, opportunity: Opportunity) -> str:
    """Why ``opportunity`` cannot be edited now ("" if it can); one who may never edit it (not
    its creator, no supervisor) gets 403 from the service."""
    try:
        services.opportunity_require_editable(signed_in(request), opportunity)
    except BusinessRuleError as refused:
        return " ".join(refused.messages)
    return ""


class _OpportunityFormView(_OpportunityView, ObjectFormView):
    template_name = "sales/opportunity_form.html"
    form_template_name = "sales/partials/_opportunity_form.html"


class OpportunityCreateView(_OpportunityFormView):
    permission = rules.ADD_OPPORTUNITY

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return OpportunityForm(data, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> Opportunity:
        return services.opportunity_create(actor=signed_in(request), **form.values())

    def success_message(self, record: Any) -> str:
        return _("Opportunity “%(name)s” was recorded.") % {"name": record.prospect_name}


class OpportunityEditView(LockedRecordMixin, _OpportunityFormView):
    permission = rules.CHANGE_OPPORTUNITY
    locked_methods = ("GET",)  # a post is refused by the service, on the form

    def locked_message(self, request: HttpRequest, record: Any) -> str:
        return _not_editable(request, record)

    def locked_response(self, request: HttpRequest, record: Any) -> HttpResponse:
        return redirect_after_form(request, record.get_absolute_url())

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            initial = OpportunityForm.initial_for(record)
            return OpportunityEditForm(
                initial=initial, actor=signed_in(request), opportunity=record
            )
        return OpportunityEditForm(data, actor=signed_in(request), opportunity=record)

    def save(self, request: HttpRequest, form: Any, record: Any) -> Opportunity:
        return services.opportunity_update(
            actor=signed_in(request),
            opportunity=record,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )

    def success_message(self, record: Any) -> str:
        return _("Opportunity “%(name)s” was saved.") % {"name": record.prospect_name}


class OpportunityDeleteView(_OpportunityView, ObjectDeleteView):
    """Confirm, then move it to the recycle bin; a stale version answers the 409 conflict page
    (``ConflictMiddleware``), so this page keeps its own post."""

    permission = rules.DELETE_OPPORTUNITY
    template_name = "sales/opportunity_confirm_delete.html"

    def _refused(self, request: HttpRequest, record: Any) -> HttpResponse | None:
        reason = _not_editable(request, record)
        if not reason:
            return None
        messages.error(request, reason)
        return redirect_after_form(request, record.get_absolute_url())

    def get(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_checked_object(request, pk)
        context = self.get_context(opportunity=record)
        return self._refused(request, record) or render(request, self.template_name, context)

    def post(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        record: Any = self.get_checked_object(request, pk)
        if (refused := self._refused(request, record)) is not None:
            return refused
        # A missing or garbled version can never match, so it is answered as a conflict.
        services.opportunity_delete(
            actor=signed_in(request), opportunity=record, expected_version=posted_version(request)
        )
        messages.success(
            request,
            _("Opportunity “%(name)s” was moved to the recycle bin.")
            % {"name": record.prospect_name},
        )
        return redirect("sales:opportunity_list")


# -- detail, assignment, the plan ----------------------------------------------------------------


def _detail_context(
    request: HttpRequest, opportunity: Any, *, assign_form: Any = None, plan_form: Any = None
) -> dict[str, Any]:
    user = signed_in(request)
    can_develop = bool(rules.can_develop_opportunity(user, opportunity))
    can_write_plan = bool(rules.can_write_plan(user, opportunity))
    can_assign = bool(rules.can_assign_opportunity(user, opportunity))
    if can_assign and assign_form is None:
        assign_form = OpportunityAssignForm(initial={"version": opportunity.version}, actor=user)
    return {
        "active_nav": ACTIVE_NAV,
        "opportunity": opportunity,
        "plan_items": selectors.plan_item_list(actor=user, opportunity=opportunity),
        "can_edit": bool(rules.can_edit_opportunity(user, opportunity)),
        "can_assign": can_assign,
        "can_develop": can_develop,
        "can_write_plan": can_write_plan,
        "deal": selectors.opportunity_deal(actor=user, opportunity=opportunity)
        if opportunity.is_closed
        else None,
        "assign_form": assign_form,
        "plan_form": plan_form or (PlanItemForm() if can_write_plan else None),
    }


class OpportunityDetailView(_OpportunityView):
    permission = rules.VIEW_OPPORTUNITY
    template_name = "sales/opportunity_detail.html"

    def extra_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        return _detail_context(request, record)


class OpportunityAssignView(_OpportunityView, ObjectFormView):
    """Assign it: the form posts from the detail page and comes back in place with its errors
    (htmx), or with the whole page."""

    http_method_names = ["post", "options"]
    permission = rules.CHANGE_OPPORTUNITY

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return OpportunityAssignForm(data, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> Opportunity:
        return services.opportunity_assign(
            actor=signed_in(request),
            opportunity=record,
            assignee=form.cleaned_data["assigned_to"],
            expected_version=form.cleaned_data["version"],
        )

    def success_message(self, record: Any) -> str:
        return _("The opportunity was assigned to %(name)s.") % {"name": record.assigned_to}

    def render_form(
        self, request: HttpRequest, form: Any, record: Any, status: int = 200
    ) -> HttpResponse:
        if is_partial(request):
            return render(
                request,
                "sales/partials/_opportunity_assign_form.html",
                {"opportunity": record, "assign_form": form},
                status=status,
            )
        context = _detail_context(request, record, assign_form=form)
        context["can_assign"] = True  # keep the form with its errors on the page
        return render(request, "sales/opportunity_detail.html", context, status=status)


class _PlanView(_OpportunityView):
    """A plan write answers its section in place (htmx) or the whole page: a partial widget,
    not a form page, so it keeps its own post."""

    http_method_names = ["post", "options"]


class PlanItemCreateView(_PlanView):
    permission = rules.ADD_PLANITEM

    def _section(
        self, request: HttpRequest, opportunity: Any, *, plan_form: Any = None
    ) -> HttpResponse:
        """The plan section (htmx) or the whole page (no JavaScript) after a plan write."""
        context = _detail_context(request, opportunity, plan_form=plan_form)
        template = (
            "sales/partials/_plan_items.html"
            if is_partial(request)
            else "sales/opportunity_detail.html"
        )
        return render(request, template, context)

    def post(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        opportunity: Any = self.get_checked_object(request, pk)
        form: Any = PlanItemForm(request.POST)
        if form.is_valid():
            try:
                services.plan_item_create(
                    actor=signed_in(request),
                    opportunity=opportunity,
                    date=form.cleaned_data["date"],
                    content=form.cleaned_data["content"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The plan item was added."))
                if not is_partial(request):
                    return redirect(opportunity.get_absolute_url())
                return self._section(request, opportunity)
        return self._section(request, opportunity, plan_form=form)


class PlanItemResultView(_PlanView):
    permission = rules.CHANGE_PLANITEM

    def post(self, request: HttpRequest, pk: Any, item_pk: Any, **kwargs: Any) -> HttpResponse:
        opportunity: Any = self.get_checked_object(request, pk)
        item: Any = object_or_404(
            selectors.plan_item_get, actor=signed_in(request), opportunity=opportunity, pk=item_pk
        )
        form: Any = PlanItemResultForm(request.POST)
        if form.is_valid():
            try:
                item = services.plan_item_record_result(
                    actor=signed_in(request), item=item, result=form.cleaned_data["result"]
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The result was recorded."))
                if not is_partial(request):
                    return redirect(opportunity.get_absolute_url())
                form = None
        if not is_partial(request):
            context = _detail_context(request, opportunity)
            context.update(result_form=form, result_item=item.pk)
            return render(request, "sales/opportunity_detail.html", context)
        return render(
            request,
            "sales/partials/_plan_item.html",
            {
                "opportunity": opportunity,
                "item": item,
                "can_write_plan": bool(rules.can_write_plan(request.user, opportunity)),
                "result_form": form,
                "result_item": item.pk,
            },
        )


# -- finishing -----------------------------------------------------------------------------------


class _FinishView(_OpportunityView, ObjectFormView):
    permission = rules.CHANGE_OPPORTUNITY
    template_name = "sales/opportunity_finish.html"
    action = ""
    duplicates: Any = None

    @property
    def form_template_name(self) -> str:  # type: ignore[override]
        return f"sales/partials/_opportunity_{self.action}_form.html"

    def form_context(self, request: HttpRequest, form: Any, record: Any) -> dict[str, Any]:
        return {
            "action": self.action,
            "duplicates": self.duplicates,
            "can_develop": bool(rules.can_develop_opportunity(request.user, record)),
        }


class OpportunitySucceedView(_FinishView):
    """Development succeeded 开发成功: confirm, then the customer is created and opened."""

    action = "succeed"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            return OpportunitySucceedForm(initial={"version": record.version})
        return OpportunitySucceedForm(data)

    def save(self, request: HttpRequest, form: Any, record: Any) -> Any:
        try:
            return services.opportunity_succeed(
                actor=signed_in(request),
                opportunity=record,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                open_deal=form.cleaned_data["open_deal"],
                expected_version=form.cleaned_data["version"],
            )
        except DuplicateError as error:
            self.duplicates = error.duplicates
            form.ask_confirmation()
            return None

    def success_message(self, record: Any) -> str:
        return _("Development succeeded: “%(name)s” is now a customer.") % {
            "name": record.customer.name
        }

    def success_url(self, request: HttpRequest, record: Any) -> str:
        # The customer's page, unless it is a linked customer outside the user's scope.
        visible = can_see(request.user, record.customer)
        return (record.customer if visible else record).get_absolute_url()


class OpportunityTerminateView(_FinishView):
    """Terminate the development 终止开发: the opportunity is lost, with the reason."""

    action = "terminate"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            return OpportunityTerminateForm(initial={"version": record.version})
        return OpportunityTerminateForm(data)

    def save(self, request: HttpRequest, form: Any, record: Any) -> Opportunity:
        return services.opportunity_terminate(
            actor=signed_in(request),
            opportunity=record,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            expected_version=form.cleaned_data["version"],
        )

    def success_message(self, record: Any) -> str:
        return _("The development was terminated.")

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return record.get_absolute_url()


opportunity_list = OpportunityListView.as_view()
opportunity_create = OpportunityCreateView.as_view()
opportunity_detail = OpportunityDetailView.as_view()
opportunity_edit = OpportunityEditView.as_view()
opportunity_delete = OpportunityDeleteView.as_view()
opportunity_assign = OpportunityAssignView.as_view()
plan_item_create = PlanItemCreateView.as_view()
plan_item_result = PlanItemResultView.as_view()
opportunity_succeed = OpportunitySucceedView.as_view()
opportunity_terminate = OpportunityTerminateView.as_view()
