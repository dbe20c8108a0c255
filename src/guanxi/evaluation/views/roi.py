"""The ROI pages 投资回报率: the assessments, one assessment's figures, create, edit, delete,
xlsx. Reads go through ``selectors.roi``, writes through ``services.roi``."""

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
from guanxi.evaluation.forms.roi import ROIAssessmentEditForm, ROIAssessmentForm
from guanxi.evaluation.models import ROIAssessment
from guanxi.evaluation.presenters import roi_page
from guanxi.evaluation.selectors import roi as selectors
from guanxi.evaluation.services import roi as services

ACTIVE_NAV = "roi"


class ROIListView(ObjectListView):
    """The assessments with their plan, periods and discount rate (figures on each page)."""

    permission = rules.VIEW_ROI_ASSESSMENT
    active_nav = ACTIVE_NAV
    template_name = "evaluation/roi_list.html"
    ordering = ("name", "id")

    def rows(self, request: HttpRequest, form: Any) -> Any:
        return selectors.roi_assessment_list(actor=signed_in(request))

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {"can_edit": rules.edits_roi(request.user)}


class _AssessmentView(ObjectView):
    model = ROIAssessment
    active_nav = ACTIVE_NAV
    permission = rules.VIEW_ROI_ASSESSMENT
    context_object_name = "assessment"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors.roi_assessment_get, actor=signed_in(request), pk=pk)


class ROIAssessmentView(_AssessmentView):
    template_name = "evaluation/roi_detail.html"

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        report = selectors.roi_report(
            actor=signed_in(request), assessment=cast(ROIAssessment, record)
        )
        return {"page": roi_page(report), "can_edit": rules.edits_roi(request.user)}


class ROIAssessmentExportView(ScopedPageView):
    """The assessment's tables as xlsx; the download is written to the access log."""

    permission = rules.VIEW_ROI_ASSESSMENT

    def get(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponseBase:
        assessment = cast(
            ROIAssessment,
            object_or_404(selectors.roi_assessment_get, actor=signed_in(request), pk=pk),
        )
        report = selectors.roi_report(actor=signed_in(request), assessment=assessment)
        response = export.roi_response(assessment, report)
        export.log_export(request, target=assessment)
        return response


class _AssessmentFormView(_AssessmentView, ObjectFormView):
    template_name = "evaluation/roi_form.html"

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("evaluation:roi_detail", args=[record.pk])

    def success_message(self, record: Any) -> str:
        return _("The ROI assessment %(name)s was saved.") % {"name": record.name}


class ROIAssessmentCreateView(_AssessmentFormView):
    permission = rules.ADD_ROI_ASSESSMENT

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return ROIAssessmentForm(data, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> ROIAssessment:
        return services.roi_assessment_create(actor=signed_in(request), **form.values())


class ROIAssessmentEditView(_AssessmentFormView):
    permission = rules.CHANGE_ROI_ASSESSMENT

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            return ROIAssessmentEditForm(
                initial=ROIAssessmentForm.initial_for(record), actor=signed_in(request)
            )
        return ROIAssessmentEditForm(data, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> ROIAssessment:
        return services.roi_assessment_update(
            actor=signed_in(request),
            assessment=record,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )


class ROIAssessmentDeleteView(_AssessmentView, ObjectDeleteView):
    permission = rules.DELETE_ROI_ASSESSMENT
    template_name = "evaluation/confirm_delete.html"

    def delete(self, request: HttpRequest, record: Any, expected_version: int) -> None:
        services.roi_assessment_delete(
            actor=signed_in(request), assessment=record, expected_version=expected_version
        )

    def success_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("evaluation:roi_list")

    def conflict_url(self, request: HttpRequest, record: Any) -> str:
        return reverse("evaluation:roi_detail", args=[record.pk])

    def success_message(self, record: Any) -> str:
        return _("The ROI assessment was moved to the recycle bin.")

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        return {"back_url": reverse("evaluation:roi_detail", args=[record.pk])}


roi_list = ROIListView.as_view()
roi_detail = ROIAssessmentView.as_view()
roi_export = ROIAssessmentExportView.as_view()
roi_create = ROIAssessmentCreateView.as_view()
roi_edit = ROIAssessmentEditView.as_view()
roi_delete = ROIAssessmentDeleteView.as_view()
