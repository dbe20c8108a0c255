from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        # Orders on the customer's timeline and in its key figures (360 page).
        from guanxi.sales import timeline  # noqa: F401
