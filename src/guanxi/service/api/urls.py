"""API paths of the service app: service requests, their surveys and e-mail thread."""

from guanxi.service.api import intake, requests

urlpatterns = [*requests.urlpatterns, *intake.urlpatterns]
