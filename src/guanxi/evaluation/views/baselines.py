"""The before/after pages 实施前后对比: the baselines, take one, a baseline's comparison with the
KPIs now (and its xlsx), its targets, delete; the periodic application assessment.

Reads go through ``selectors.baselines`` and ``selectors.assessment`` (no right → 403, an
unknown baseline → 404), writes through ``services.baselines`` (no right → 403; bad input
shows on the form; a stale version → 409).
"""

import re
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
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
from guanxi.evaluation.forms.baselines import BaselineForm, NowPeriodForm, TargetsForm
from guanxi.evaluation.models import Baseline
from guanxi.evaluation.presenters import comparison_rows
from guanxi.evaluation.selectors import assessment as assessment_selectors
from guanxi.evaluation.selectors import baselines as selectors
from guanxi.evaluation.services import baselines as services

ACTIVE_NAV = "baselines"
_TARGET_ERROR = re.compile(r"^targets\[(\d+)\]\.(\w+)$")


class BaselineListView(ObjectListView):
    """The baselines, newest first, with their period and how many targets they carry."""

    permission = rules.READ_BASELINES
    active_nav = ACTIVE_NAV
    template_name = "evaluation/baseline_list.html"
    ordering = ("-taken_at", "-id")

    def rows(self, request: HttpRequest, form: Any) -> Any:
        return selectors.baseline_list(actor=signed_in(request))

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {"can_edit": rules.edits_baselines(request.user)}


class _BaselineView(ObjectView):
    model = Baseline
    active_nav = ACTIVE_NAV
    permission = rules.READ_BASELINES
    context_object_name = "baseline"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors.baseline_get, actor=signed_in(request), pk=pk)


def _comparison(request: HttpRequest, baseline: Baseline) -> tuple[Any, NowPeriodForm]:
    form = NowPeriodForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data.get("now_start"), form.cleaned_data.get("now_end")
    comparison = selectors.baseline_comparison(
        actor=signed_in(request), baseline=baseline, now_start=start, now_end=end
    )
    return comparison, form


class BaselineView(_BaselineView):
    """The comparison: each KPI then and now, the change, the target and whether it is met."""

    template_name = "evaluation/baseline_detail.html"

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        comparison, form = _comparison(request, cast(Baseline, record))
        return {
            "comparison": comparison,
            "rows": comparison_rows(comparison),
            "form": form,
            "can_edit": rules.edits_baselines(request.user),
            "export_query": request.GET.urlencode(),
        }


class BaselineExportView(ScopedPageView):
    """The comparison's table as xlsx; the download is written to the access log."""

    permission = rules.READ_BASELINES

    def get(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponseBase:
        baseline = cast(
            Baseline, object_or_404(selectors.baseline_get, actor=signed_in(request), pk=pk)
        )
        comparison, _form = _comparison(request, baseline)
        response = export.comparison_response(comparison)
        export.log_export(request, target=baseline)
        return response


class BaselineCreateView(_BaselineView, ObjectFormView):
    """Take a snapshot of the KPIs for a period."""

    permission = rules.ADD_BASELINE
    template_name = "evaluation/baseline_form.html"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return BaselineForm(data)

    def save(self, request: HttpRequest, form: Any, record: Any) -> Baseline:
        return services.baseline_take(actor=signed_in(request), **form.values())

    def success_message(self, record: Any) -> str:
        return _("The baseline %(name)s was taken.") % {"name": record.name}


class BaselineTargetsView(_BaselineView, ObjectFormView):
    """The targets agreed beforehand, one row per KPI of the baseline."""

    permission = rules.CHANGE_BASELINE
    template_name = "evaluation/baseline_targets.html"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        labels = {value.key: selectors.value_label(value) for value in record.values.all()}
        return TargetsForm(data, baseline=record, labels=labels)

    def save(self, request: HttpRequest, form: Any, record: Any) -> Baseline:
        targets = form.targets()
        try:
            return services.baseline_targets_set(
                actor=signed_in(request),
                baseline=record,
                targets=targets,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            raise _on_rows(error, [target["key"] for target in targets]) from error

    def success_message(self, record: Any) -> str:
        return _("The targets were saved.")


def _on_rows(error: ValidationError, keys: list[str]) -> ValidationError:
    """The service's ``targets[2].target`` as the form's ``<kpi>-target`` field."""
    if not hasattr(error, "error_dict"):
        return error
    named: dict[str, Any] = {}
    for name, messages in error.message_dict.items():
        match = _TARGET_ERROR.match(name)
        if match and int(match.group(1)) < len(keys):
            name = f"{keys[int(match.group(1))]}-{match.group(2)}"
        named[name] = messages
    return ValidationError(named)


class BaselineDeleteView(_BaselineView, ObjectDeleteView):
    permission = rules.DELETE_BASELINE
    template_name = "evaluation/confirm_delete.html"

    def delete(self, request: HttpRequest, record: Any, expected_version: int) -> None:
        services.baseline_delete(
            actor=signed_in(request), baseline=record, expected_version=expected_version
        )

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("evaluation:baseline_list")

    def conflict_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("evaluation:baseline_detail", args=[record.pk])

    def success_message(self, record: Any) -> str:
        return _("The baseline was moved to the recycle bin.")

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        return {"back_url": reverse("evaluation:baseline_detail", args=[record.pk])}


class AssessmentView(ScopedPageView):
    """The periodic application assessment of a quarter (``?quarter=2026Q3``; by default the
    last full quarter)."""

    permission = rules.READ_BASELINES
    active_nav = "assessment"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        quarter = request.GET.get("quarter", "").strip() or assessment_selectors.default_quarter()
        error = ""
        report = None
        try:
            report = assessment_selectors.assessment(actor=signed_in(request), quarter=quarter[:20])
        except ValidationError as refused:
            error = " ".join(refused.messages)
        context = self.get_context(
            quarter=quarter[:20],
            report=report,
            error=error,
            themes=_themes(report.kpis) if report else [],
        )
        return render(request, "evaluation/assessment.html", context, status=400 if error else 200)


def _themes(data: dict[str, Any]) -> list[dict[str, Any]]:
    from guanxi.analytics.kpis import dashboard_themes

    return [theme for theme in dashboard_themes(data) if theme["kpis"]]


baseline_list = BaselineListView.as_view()
baseline_detail = BaselineView.as_view()
baseline_export = BaselineExportView.as_view()
baseline_create = BaselineCreateView.as_view()
baseline_targets = BaselineTargetsView.as_view()
baseline_delete = BaselineDeleteView.as_view()
assessment = AssessmentView.as_view()
