from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from guanxi.customers import reassign_hooks
        from guanxi.sales.services_opportunities import opportunities_follow_customer

        # SPEC §1: a customer changing hands takes its open opportunities along.
        reassign_hooks.register(opportunities_follow_customer)

        # Orders on the customer's timeline and in its key figures (360 page).
        from guanxi.sales import timeline  # noqa: F401
