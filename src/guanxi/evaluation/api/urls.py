"""API paths of the evaluation app."""

from guanxi.evaluation.api.baselines import urlpatterns as baseline_urlpatterns
from guanxi.evaluation.api.calculators import urlpatterns as calculator_urlpatterns
from guanxi.evaluation.api.roi import urlpatterns as roi_urlpatterns
from guanxi.evaluation.api.tco import urlpatterns as tco_urlpatterns

urlpatterns = [*calculator_urlpatterns, *tco_urlpatterns, *roi_urlpatterns, *baseline_urlpatterns]
