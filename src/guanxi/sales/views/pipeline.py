"""The pipeline pages 销售漏斗: the kanban board, deals (create, detail, edit, delete, move),
the weighted forecast and the stage settings.

Reads go through selectors_pipeline (out of scope → 404), writes through services_pipeline
(no right → 403; bad input shows on the form; a stale version → 409). Moving a card posts to
the move endpoint, by drag and drop (kanban.js) or the card's own "move to" form (keyboard,
no JavaScript); with htmx the answer is the board, swapped in place.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.decorators import requires as _requires
from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form, render_form_page
from guanxi.sales.forms.pipeline import (
    BoardFilterForm,
    DealCreateForm,
    DealEditForm,
    DealForm,
    DealMoveForm,
    StageEditForm,
    StageForm,
)
from guanxi.sales.models import Deal, PipelineStage
from guanxi.sales.selectors import pipeline as selectors
from guanxi.sales.services import pipeline as services

ACTIVE_NAV = "pipeline"


def _conflict_message() -> str:
    return _(
        "Someone else changed this deal after you opened it, so nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    )


def _deal_or_404(request, pk) -> Deal:
    try:
        return selectors.deal_get(actor=request.user, pk=pk)
    except Deal.DoesNotExist as missing:
        raise Http404 from missing


# -- the board ---------------------------------------------------------------------------------


def _board_context(request, *, error: str = "", owner=None) -> dict:
    return {
        "active_nav": ACTIVE_NAV,
        "columns": selectors.board(actor=request.user, owner=owner),
        "stages": selectors.stage_list(),
        "lost_reasons": selectors.lost_reason_choices(),
        "can_move": request.user.has_perm("sales.change_deal"),
        "move_error": error,
        "owner": owner,
    }


@_requires("sales.view_deal")
def pipeline_board(request):
    """The kanban: one column per stage, the deals in scope, amounts summed per column."""
    form = BoardFilterForm(request.GET or None, actor=request.user)
    context = _board_context(request, owner=form.chosen_owner())
    context["filter_form"] = form
    template = "sales/partials/_kanban_board.html" if is_partial(request) else "sales/pipeline.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@_requires("sales.change_deal")
@require_POST
def deal_move(request, pk):
    """Move a deal to another stage; htmx gets the board back, others a redirect."""
    deal = _deal_or_404(request, pk)
    form = DealMoveForm(request.POST)
    error = ""
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        data = form.cleaned_data
        try:
            moved = services.deal_move(
                actor=request.user,
                deal=deal,
                stage=data["stage"],
                lost_reason=data.get("lost_reason"),
                expected_version=data.get("version"),
            )
        except ConflictError:
            error = _conflict_message()
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            if not is_partial(request):
                messages.success(
                    request,
                    _("“%(title)s” moved to “%(stage)s”.")
                    % {"title": moved.title, "stage": moved.stage.label},
                )
    owner_form = BoardFilterForm(request.POST, actor=request.user)
    if is_partial(request):
        # The board comes back whole (every column may change) with the reason of a refusal;
        # 200 so htmx swaps it in.
        context = _board_context(request, error=error, owner=owner_form.chosen_owner())
        return render(request, "sales/partials/_kanban_board.html", context)
    if error:
        messages.error(request, error)
    target = request.POST.get("next", "")
    if target == "detail":
        return redirect(deal.get_absolute_url())
    return redirect("sales:pipeline_board")


# -- deals -------------------------------------------------------------------------------------


def _render_form(request, form, deal=None, status=200):
    return render_form_page(
        request,
        page_template="sales/deal_form.html",
        form_template="sales/partials/_deal_form.html",
        context={"active_nav": ACTIVE_NAV, "form": form, "deal": deal},
        status=status,
    )


@_requires("sales.add_deal")
@require_http_methods(["GET", "POST"])
def deal_create(request):
    if request.method != "POST":
        initial = {}
        if stage := request.GET.get("stage", ""):
            initial["stage"] = stage if stage.isdigit() else None
        return _render_form(request, DealCreateForm(actor=request.user, initial=initial))
    form = DealCreateForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            deal = services.deal_create(actor=request.user, **form.values())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Deal “%(title)s” was recorded.") % {"title": deal.title})
            return redirect_after_form(request, deal.get_absolute_url())
    return _render_form(request, form)


@_requires("sales.view_deal")
def deal_detail(request, pk):
    deal = _deal_or_404(request, pk)
    context = {
        "active_nav": ACTIVE_NAV,
        "deal": deal,
        "stages": selectors.stage_list(),
        "lost_reasons": selectors.lost_reason_choices(),
        "can_move": request.user.has_perm("sales.change_deal"),
    }
    return render(request, "sales/deal_detail.html", context)


@_requires("sales.change_deal")
@require_http_methods(["GET", "POST"])
def deal_edit(request, pk):
    deal = _deal_or_404(request, pk)
    if request.method != "POST":
        form = DealEditForm(initial=DealForm.initial_for(deal), actor=request.user)
        return _render_form(request, form, deal)
    form = DealEditForm(request.POST, actor=request.user)
    status = 200
    if form.is_valid():
        try:
            saved = services.deal_update(
                actor=request.user,
                deal=deal,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Deal “%(title)s” was saved.") % {"title": saved.title})
            return redirect_after_form(request, deal.get_absolute_url())
    return _render_form(request, form, deal, status=status)


@_requires("sales.delete_deal")
@require_http_methods(["GET", "POST"])
def deal_delete(request, pk):
    deal = _deal_or_404(request, pk)
    if request.method == "POST":
        raw = request.POST.get("version", "")
        try:
            services.deal_delete(
                actor=request.user, deal=deal, expected_version=int(raw) if raw.isdigit() else 0
            )
        except ConflictError:
            messages.error(request, _conflict_message())
            return redirect(deal.get_absolute_url())
        messages.success(
            request, _("Deal “%(title)s” was moved to the recycle bin.") % {"title": deal.title}
        )
        return redirect("sales:pipeline_board")
    return render(
        request, "sales/deal_confirm_delete.html", {"active_nav": ACTIVE_NAV, "deal": deal}
    )


# -- the forecast ------------------------------------------------------------------------------


@_requires("sales.view_deal")
def pipeline_forecast(request):
    """Weighted pipeline by expected close month × owner, within the user's scope."""
    form = BoardFilterForm(request.GET or None, actor=request.user)
    context = {
        "active_nav": ACTIVE_NAV,
        "filter_form": form,
        "table": selectors.forecast_table(actor=request.user, owner=form.chosen_owner()),
    }
    return render(request, "sales/pipeline_forecast.html", context)


# -- stage settings (administrators) -----------------------------------------------------------


def _require_stage_admin(request) -> None:
    if not services.can_manage_stages(request.user):
        raise PermissionDenied


@login_required
def stage_list(request):
    _require_stage_admin(request)
    return render(
        request,
        "sales/pipeline_stages.html",
        {"active_nav": ACTIVE_NAV, "stages": selectors.stage_list()},
    )


def _render_stage_form(request, form, stage=None, status=200):
    return render_form_page(
        request,
        page_template="sales/pipeline_stage_form.html",
        form_template="sales/partials/_kanban_stage_form.html",
        context={"active_nav": ACTIVE_NAV, "form": form, "stage": stage},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def stage_create(request):
    _require_stage_admin(request)
    if request.method != "POST":
        return _render_stage_form(request, StageForm())
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.stage_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The stage was saved."))
            return redirect_after_form(request, reverse("sales:stage_list"))
    return _render_stage_form(request, form)


def _stage_or_404(pk) -> PipelineStage:
    try:
        return selectors.stage_get(pk=pk)
    except PipelineStage.DoesNotExist as missing:
        raise Http404 from missing


@login_required
@require_http_methods(["GET", "POST"])
def stage_edit(request, pk):
    _require_stage_admin(request)
    stage = _stage_or_404(pk)
    if request.method != "POST":
        initial = {name: getattr(stage, name) for name in services.STAGE_EDITABLE_FIELDS}
        initial["version"] = stage.version
        return _render_stage_form(request, StageEditForm(initial=initial), stage)
    form = StageEditForm(request.POST)
    status = 200
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.stage_update(actor=request.user, stage=stage, expected_version=version, **data)
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The stage was saved."))
            return redirect_after_form(request, reverse("sales:stage_list"))
    return _render_stage_form(request, form, stage, status=status)


@login_required
@require_POST
def stage_delete(request, pk):
    _require_stage_admin(request)
    stage = _stage_or_404(pk)
    try:
        services.stage_delete(actor=request.user, stage=stage)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("The stage was deleted."))
    return redirect("sales:stage_list")
