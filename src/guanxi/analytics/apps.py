from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from guanxi.core import navigation
from guanxi.core.navigation import NavItem


class AnalyticsConfig(AppConfig):
    name = "guanxi.analytics"
    label = "analytics"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        navigation.register(
            NavItem("reports", _("Reports"), "analytics:index", "analytics.view_reports", order=200)
        )
