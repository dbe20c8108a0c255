"""The pipeline pages 销售漏斗: the kanban board, deals (create, detail, edit, delete, move),
the weighted forecast and the stage settings.

Reads go through ``selectors.pipeline`` (out of scope → 404), writes through
``services.pipeline`` (no right → 403; bad input shows on the form; a stale version → 409).
Moving a card posts to the move endpoint, by drag and drop (kanban.js) or the card's own
"move to" form (keyboard, no JavaScript); with htmx the answer is the board, swapped in place.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.analytics.selectors.forecast import statistical_forecast
from guanxi.core.exceptions import ConflictError
from guanxi.core.htmx import is_partial
from guanxi.core.scoping import can_see
from guanxi.core.views.generic import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectFormView,
    ObjectView,
    ScopedPageView,
    conflict_message,
    object_or_404,
    render_page,
)
from guanxi.sales import rules
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
from guanxi.sales.views.base import signed_in

ACTIVE_NAV = "pipeline"


# -- the board ---------------------------------------------------------------------------------


def _board_context(request: HttpRequest, *, error: str = "", owner: Any = None) -> dict:
    return {
        "active_nav": ACTIVE_NAV,
        "columns": selectors.board(actor=signed_in(request), owner=owner),
        "stages": selectors.stage_list(),
        "lost_reasons": selectors.lost_reason_choices(),
        "can_move": request.user.has_perm(rules.CHANGE_DEAL),
        "move_error": error,
        "owner": owner,
    }


class PipelineBoardView(ScopedPageView):
    """The kanban: one column per stage, the deals in scope, amounts summed per column."""

    permission = rules.VIEW_DEAL
    active_nav = ACTIVE_NAV

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = BoardFilterForm(request.GET or None, actor=signed_in(request))
        context = _board_context(request, owner=form.chosen_owner())
        context["filter_form"] = form
        return render_page(
            request,
            template="sales/pipeline.html",
            partial_template="sales/partials/_kanban_board.html",
            context=context,
        )


class DealMoveView(ScopedPageView):
    """Move a deal to another stage; htmx gets the board back, others a redirect.

    Not an ``ObjectActionView``: an htmx move answers the whole board (every column may
    change) with the refusal's reason in it, not a redirect.
    """

    http_method_names = ["post", "options"]
    permission = rules.CHANGE_DEAL

    def post(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        deal: Any = object_or_404(selectors.deal_get, actor=signed_in(request), pk=pk)
        form = DealMoveForm(request.POST)
        error = ""
        if not form.is_valid():
            error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        else:
            data = form.cleaned_data
            try:
                moved = services.deal_move(
                    actor=signed_in(request),
                    deal=deal,
                    stage=data["stage"],
                    lost_reason=data.get("lost_reason"),
                    expected_version=data.get("version"),
                )
            except ConflictError:
                error = conflict_message(Deal)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(
                    request,
                    _("“%(title)s” moved to “%(stage)s”.")
                    % {"title": moved.title, "stage": moved.stage.label},
                )
        owner_form = BoardFilterForm(request.POST, actor=signed_in(request))
        if is_partial(request):
            # 200 so htmx swaps the board in, the reason of a refusal included.
            context = _board_context(request, error=error, owner=owner_form.chosen_owner())
            return render(request, "sales/partials/_kanban_board.html", context)
        if error:
            messages.error(request, error)
        if request.POST.get("next", "") == "detail":
            return redirect(deal.get_absolute_url())
        return redirect("sales:pipeline_board")


# -- deals -------------------------------------------------------------------------------------


class _DealView(ObjectView):
    model = Deal
    active_nav = ACTIVE_NAV
    context_object_name = "deal"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors.deal_get, actor=signed_in(request), pk=pk)


class _DealFormView(_DealView, ObjectFormView):
    template_name = "sales/deal_form.html"
    form_template_name = "sales/partials/_deal_form.html"


class DealCreateView(_DealFormView):
    permission = rules.ADD_DEAL

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is not None:
            return DealCreateForm(data, actor=signed_in(request))
        initial = {}
        if stage := request.GET.get("stage", ""):
            initial["stage"] = stage if stage.isdigit() else None
        return DealCreateForm(actor=signed_in(request), initial=initial)

    def save(self, request: HttpRequest, form: Any, record: Any) -> Deal:
        return services.deal_create(actor=signed_in(request), **form.values())

    def success_message(self, record: Any) -> str:
        return _("Deal “%(title)s” was recorded.") % {"title": record.title}


class DealDetailView(_DealView):
    permission = rules.VIEW_DEAL
    template_name = "sales/deal_detail.html"

    def extra_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        return {
            "stages": selectors.stage_list(),
            "lost_reasons": selectors.lost_reason_choices(),
            "can_move": request.user.has_perm(rules.CHANGE_DEAL),
            # The opportunity the deal came from, linked only for those who may open it.
            "opportunity_visible": record.opportunity_id is not None
            and can_see(request.user, record.opportunity),
        }


class DealEditView(_DealFormView):
    permission = rules.CHANGE_DEAL

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            return DealEditForm(initial=DealForm.initial_for(record), actor=signed_in(request))
        return DealEditForm(data, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> Deal:
        return services.deal_update(
            actor=signed_in(request),
            deal=record,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )

    def success_message(self, record: Any) -> str:
        return _("Deal “%(title)s” was saved.") % {"title": record.title}


class DealDeleteView(_DealView, ObjectDeleteView):
    permission = rules.DELETE_DEAL
    template_name = "sales/deal_confirm_delete.html"

    def delete(self, request: HttpRequest, record: Any, expected_version: int) -> None:
        services.deal_delete(
            actor=signed_in(request), deal=record, expected_version=expected_version
        )

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("sales:pipeline_board")

    def conflict_url(self, request: HttpRequest, record: Any) -> str:
        return record.get_absolute_url()

    def success_message(self, record: Any) -> str:
        return _("Deal “%(title)s” was moved to the recycle bin.") % {"title": record.title}


# -- the forecast ------------------------------------------------------------------------------


class PipelineForecastView(ScopedPageView):
    """Weighted pipeline by expected close month × owner, within the user's scope."""

    permission = rules.VIEW_DEAL
    active_nav = ACTIVE_NAV

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = BoardFilterForm(request.GET or None, actor=signed_in(request))
        owner = form.chosen_owner()
        context = self.get_context(
            filter_form=form,
            table=selectors.forecast_table(actor=signed_in(request), owner=owner),
            statistical=statistical_forecast(actor=signed_in(request), owner=owner),
        )
        return render(request, "sales/pipeline_forecast.html", context)


# -- stage settings (administrators) -----------------------------------------------------------


class StageListView(ScopedPageView):
    permission = rules.MANAGE_STAGES
    active_nav = "stages"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.get_context(stages=selectors.stage_list())
        return render(request, "sales/pipeline_stages.html", context)


class _StageView(ObjectView):
    model = PipelineStage
    permission = rules.MANAGE_STAGES
    active_nav = "stages"
    context_object_name = "stage"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(lambda actor, pk: selectors.stage_get(pk=pk), actor=None, pk=pk)


class _StageFormView(_StageView, ObjectFormView):
    template_name = "sales/pipeline_stage_form.html"
    form_template_name = "sales/partials/_kanban_stage_form.html"

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("sales:stage_list")

    def success_message(self, record: Any) -> str:
        return _("The stage was saved.")

    def conflict_text(self) -> str:
        return conflict_message(Deal)  # the stage pages have always used the deal's wording


class StageCreateView(_StageFormView):
    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return StageForm(data)

    def save(self, request: HttpRequest, form: Any, record: Any) -> PipelineStage:
        return services.stage_create(actor=signed_in(request), **form.cleaned_data)


class StageEditView(_StageFormView):
    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is not None:
            return StageEditForm(data)
        initial = {name: getattr(record, name) for name in services.STAGE_EDITABLE_FIELDS}
        initial["version"] = record.version
        return StageEditForm(initial=initial)

    def save(self, request: HttpRequest, form: Any, record: Any) -> PipelineStage:
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.stage_update(
            actor=signed_in(request), stage=record, expected_version=version, **data
        )


class StageDeleteView(_StageView, ObjectActionView):
    def act(self, request: HttpRequest, record: Any, form: Any) -> None:
        services.stage_delete(actor=signed_in(request), stage=record)

    def done_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("sales:stage_list")

    def success_message(self, record: Any) -> str:
        return _("The stage was deleted.")


pipeline_board = PipelineBoardView.as_view()
deal_move = DealMoveView.as_view()
deal_create = DealCreateView.as_view()
deal_detail = DealDetailView.as_view()
deal_edit = DealEditView.as_view()
deal_delete = DealDeleteView.as_view()
pipeline_forecast = PipelineForecastView.as_view()
stage_list = StageListView.as_view()
stage_create = StageCreateView.as_view()
stage_edit = StageEditView.as_view()
stage_delete = StageDeleteView.as_view()
