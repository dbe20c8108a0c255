"""API paths of the evaluation app."""

from guanxi.evaluation.api.calculators import urlpatterns as calculator_urlpatterns

urlpatterns = [*calculator_urlpatterns]
