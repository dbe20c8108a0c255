"""The evaluation app's pages, under ``/evaluation/``."""

from django.urls import path

from guanxi.evaluation.views import baselines, roi, tco

app_name = "evaluation"
urlpatterns = [
    path("tco/", tco.tco_list, name="tco_list"),
    path("tco/new/", tco.tco_create, name="tco_create"),
    path("tco/<int:pk>/", tco.tco_detail, name="tco_detail"),
    path("tco/<int:pk>/edit/", tco.tco_edit, name="tco_edit"),
    path("tco/<int:pk>/delete/", tco.tco_delete, name="tco_delete"),
    path("tco/<int:pk>/xlsx/", tco.tco_export, name="tco_export"),
    path("roi/", roi.roi_list, name="roi_list"),
    path("roi/new/", roi.roi_create, name="roi_create"),
    path("roi/<int:pk>/", roi.roi_detail, name="roi_detail"),
    path("roi/<int:pk>/edit/", roi.roi_edit, name="roi_edit"),
    path("roi/<int:pk>/delete/", roi.roi_delete, name="roi_delete"),
    path("roi/<int:pk>/xlsx/", roi.roi_export, name="roi_export"),
    path("baselines/", baselines.baseline_list, name="baseline_list"),
    path("baselines/new/", baselines.baseline_create, name="baseline_create"),
    path("baselines/<int:pk>/", baselines.baseline_detail, name="baseline_detail"),
    path("baselines/<int:pk>/targets/", baselines.baseline_targets, name="baseline_targets"),
    path("baselines/<int:pk>/delete/", baselines.baseline_delete, name="baseline_delete"),
    path("baselines/<int:pk>/xlsx/", baselines.baseline_export, name="baseline_export"),
    path("assessment/", baselines.assessment, name="assessment"),
]
