"""The opportunity pages 销售机会: list, create, edit, delete, detail with the development plan
客户开发计划, assignment, and finishing with success or termination.

Reads go through selectors_opportunities (out of scope → 404), writes through
services_opportunities (no right → 403; a refused transition or bad input shows on the form; a
stale version → 409 with the form). Plan items are added and their results recorded in place
with htmx; without JavaScript the same forms post and redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.decorators import requires as _requires
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form, render_form_page
from guanxi.core.pagination import paginate_request
from guanxi.core.scoping import can_see
from guanxi.customers.dedup import DuplicateError
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
from guanxi.sales.models import Opportunity, PlanItem
from guanxi.sales.selectors import opportunities as selectors
from guanxi.sales.services import opportunities as services

ACTIVE_NAV = "opportunities"


def _conflict_message() -> str:
    return _(
        "Someone else changed this opportunity after you opened it, so nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    )


def _opportunity_or_404(request, pk) -> Opportunity:
    try:
        return selectors.opportunity_get(actor=request.user, pk=pk)
    except Opportunity.DoesNotExist as missing:
        raise Http404 from missing


# -- list --------------------------------------------------------------------------------------


@_requires("sales.view_opportunity")
def opportunity_list(request):
    """Opportunities in the user's scope: filter by status, search the prospect, ``mine``."""
    form = OpportunityFilterForm(request.GET or None)
    rows = selectors.opportunity_list(actor=request.user, **form.query())
    page = paginate_request(request, rows, ordering=selectors.OPPORTUNITY_LIST_ORDERING)
    partial = is_partial(request)
    context = {"active_nav": ACTIVE_NAV, "form": form, "page": page, "partial": partial}
    template = (
        "sales/partials/_opportunity_table.html" if partial else "sales/opportunity_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# -- create, edit, delete ----------------------------------------------------------------------


def _render_form(request, form, opportunity=None, status=200):
    return render_form_page(
        request,
        page_template="sales/opportunity_form.html",
        form_template="sales/partials/_opportunity_form.html",
        context={"active_nav": ACTIVE_NAV, "form": form, "opportunity": opportunity},
        status=status,
    )


@_requires("sales.add_opportunity")
@require_http_methods(["GET", "POST"])
def opportunity_create(request):
    if request.method != "POST":
        return _render_form(request, OpportunityForm(actor=request.user))
    form = OpportunityForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            opportunity = services.opportunity_create(actor=request.user, **form.values())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Opportunity “%(name)s” was recorded.") % {"name": opportunity.prospect_name},
            )
            return redirect_after_form(request, opportunity.get_absolute_url())
    return _render_form(request, form)


def _editable_or_redirect(request, opportunity):
    """``None`` if the user may edit it now; else a redirect to it with the reason shown.

    A user who may never edit it (not its creator, no supervisor) gets 403 from the service.
    """
    try:
        services.opportunity_require_editable(request.user, opportunity)
    except BusinessRuleError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect_after_form(request, opportunity.get_absolute_url())
    return None


@_requires("sales.change_opportunity")
@require_http_methods(["GET", "POST"])
def opportunity_edit(request, pk):
    opportunity = _opportunity_or_404(request, pk)
    if request.method != "POST":
        if (refused := _editable_or_redirect(request, opportunity)) is not None:
            return refused
        form = OpportunityEditForm(
            initial=OpportunityForm.initial_for(opportunity),
            actor=request.user,
            opportunity=opportunity,
        )
        return _render_form(request, form, opportunity)
    form = OpportunityEditForm(request.POST, actor=request.user, opportunity=opportunity)
    status = 200
    if form.is_valid():
        try:
            saved = services.opportunity_update(
                actor=request.user,
                opportunity=opportunity,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Opportunity “%(name)s” was saved.") % {"name": saved.prospect_name},
            )
            return redirect_after_form(request, opportunity.get_absolute_url())
    return _render_form(request, form, opportunity, status=status)


@_requires("sales.delete_opportunity")
@require_http_methods(["GET", "POST"])
def opportunity_delete(request, pk):
    opportunity = _opportunity_or_404(request, pk)
    if (refused := _editable_or_redirect(request, opportunity)) is not None:
        return refused
    if request.method == "POST":
        raw = request.POST.get("version", "")
        # A missing or garbled version can never match, so it is answered as a conflict.
        services.opportunity_delete(
            actor=request.user,
            opportunity=opportunity,
            expected_version=int(raw) if raw.isdigit() else 0,
        )
        messages.success(
            request,
            _("Opportunity “%(name)s” was moved to the recycle bin.")
            % {"name": opportunity.prospect_name},
        )
        return redirect("sales:opportunity_list")
    return render(
        request,
        "sales/opportunity_confirm_delete.html",
        {"active_nav": ACTIVE_NAV, "opportunity": opportunity},
    )


# -- detail, assignment, the plan ----------------------------------------------------------------


def _detail_context(request, opportunity, *, assign_form=None, plan_form=None) -> dict:
    user = request.user
    can_develop = services.can_develop(user, opportunity)
    can_assign = services.can_assign(user, opportunity)
    if can_assign and assign_form is None:
        assign_form = OpportunityAssignForm(initial={"version": opportunity.version}, actor=user)
    return {
        "active_nav": ACTIVE_NAV,
        "opportunity": opportunity,
        "plan_items": selectors.plan_item_list(actor=user, opportunity=opportunity),
        "can_edit": services.can_edit(user, opportunity),
        "can_assign": can_assign,
        "can_develop": can_develop,
        "assign_form": assign_form,
        "plan_form": plan_form or (PlanItemForm() if can_develop else None),
    }


@_requires("sales.view_opportunity")
def opportunity_detail(request, pk):
    opportunity = _opportunity_or_404(request, pk)
    return render(request, "sales/opportunity_detail.html", _detail_context(request, opportunity))


@_requires("sales.change_opportunity")
@require_POST
def opportunity_assign(request, pk):
    opportunity = _opportunity_or_404(request, pk)
    form = OpportunityAssignForm(request.POST, actor=request.user)
    status = 200
    if form.is_valid():
        try:
            assigned = services.opportunity_assign(
                actor=request.user,
                opportunity=opportunity,
                assignee=form.cleaned_data["assigned_to"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The opportunity was assigned to %(name)s.") % {"name": assigned.assigned_to},
            )
            return redirect_after_form(request, opportunity.get_absolute_url())
    if is_partial(request):
        return render(
            request,
            "sales/partials/_opportunity_assign_form.html",
            {"opportunity": opportunity, "assign_form": form},
            status=status,
        )
    context = _detail_context(request, opportunity, assign_form=form)
    context["can_assign"] = True  # keep the form with its errors on the page
    return render(request, "sales/opportunity_detail.html", context, status=status)


def _plan_section(request, opportunity, *, plan_form=None, status=200):
    """The plan section (htmx) or the whole page (no JavaScript) after a plan write."""
    context = _detail_context(request, opportunity, plan_form=plan_form)
    template = (
        "sales/partials/_plan_items.html"
        if is_partial(request)
        else "sales/opportunity_detail.html"
    )
    return render(request, template, context, status=status)


@_requires("sales.add_planitem")
@require_POST
def plan_item_create(request, pk):
    opportunity = _opportunity_or_404(request, pk)
    form = PlanItemForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_create(
                actor=request.user,
                opportunity=opportunity,
                date=form.cleaned_data["date"],
                content=form.cleaned_data["content"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if not is_partial(request):
                messages.success(request, _("The plan item was added."))
                return redirect(opportunity.get_absolute_url())
            return _plan_section(request, opportunity)
    return _plan_section(request, opportunity, plan_form=form)


@_requires("sales.change_planitem")
@require_POST
def plan_item_result(request, pk, item_pk):
    opportunity = _opportunity_or_404(request, pk)
    try:
        item = selectors.plan_item_get(actor=request.user, opportunity=opportunity, pk=item_pk)
    except PlanItem.DoesNotExist as missing:
        raise Http404 from missing
    form = PlanItemResultForm(request.POST)
    if form.is_valid():
        try:
            item = services.plan_item_record_result(
                actor=request.user, item=item, result=form.cleaned_data["result"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if not is_partial(request):
                messages.success(request, _("The result was recorded."))
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
            "can_develop": services.can_develop(request.user, opportunity),
            "result_form": form,
            "result_item": item.pk,
        },
    )


# -- finishing -----------------------------------------------------------------------------------


def _finish_page(request, *, opportunity, form, action, duplicates=None, status=200):
    return render_form_page(
        request,
        page_template="sales/opportunity_finish.html",
        form_template=f"sales/partials/_opportunity_{action}_form.html",
        context={
            "active_nav": ACTIVE_NAV,
            "opportunity": opportunity,
            "form": form,
            "action": action,
            "duplicates": duplicates,
            "can_develop": services.can_develop(request.user, opportunity),
        },
        status=status,
    )


@_requires("sales.change_opportunity")
@require_http_methods(["GET", "POST"])
def opportunity_succeed(request, pk):
    """Development succeeded 开发成功: confirm, then the customer is created and opened."""
    opportunity = _opportunity_or_404(request, pk)
    if request.method != "POST":
        form = OpportunitySucceedForm(initial={"version": opportunity.version})
        return _finish_page(request, opportunity=opportunity, form=form, action="succeed")
    form = OpportunitySucceedForm(request.POST)
    duplicates, status = None, 200
    if form.is_valid():
        try:
            won = services.opportunity_succeed(
                actor=request.user,
                opportunity=opportunity,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                expected_version=form.cleaned_data["version"],
            )
        except DuplicateError as error:
            duplicates = error.duplicates
            form.ask_confirmation()
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Development succeeded: “%(name)s” is now a customer.")
                % {"name": won.customer.name},
            )
            # The customer's page, unless it is a linked customer outside the user's scope.
            visible = can_see(request.user, won.customer)
            target = won.customer if visible else won
            return redirect_after_form(request, target.get_absolute_url())
    return _finish_page(
        request,
        opportunity=opportunity,
        form=form,
        action="succeed",
        duplicates=duplicates,
        status=status,
    )


@_requires("sales.change_opportunity")
@require_http_methods(["GET", "POST"])
def opportunity_terminate(request, pk):
    """Terminate the development 终止开发: the opportunity is lost, with the reason."""
    opportunity = _opportunity_or_404(request, pk)
    if request.method != "POST":
        form = OpportunityTerminateForm(initial={"version": opportunity.version})
        return _finish_page(request, opportunity=opportunity, form=form, action="terminate")
    form = OpportunityTerminateForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            services.opportunity_terminate(
                actor=request.user,
                opportunity=opportunity,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The development was terminated."))
            return redirect_after_form(request, opportunity.get_absolute_url())
    return _finish_page(
        request, opportunity=opportunity, form=form, action="terminate", status=status
    )
