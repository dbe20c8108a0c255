from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from guanxi.core import navigation
from guanxi.core.navigation import NavItem


class AnalyticsConfig(AppConfig):
    name = "guanxi.analytics"
    label = "analytics"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        # Registers the app's object permissions with django-rules, once the apps are loaded.
        from guanxi.accounts import roles
        from guanxi.analytics import rules

        roles.grant_by_default(rules.ROLE_GRANTS)

        navigation.register(
            NavItem(
                "reports",
                _("Reports"),
                "analytics:index",
                rules.VIEW_REPORTS,
                order=600,
                group=navigation.ANALYTICS,
            ),
            NavItem(
                "kpis",
                _("KPI dashboard"),
                "analytics:kpis",
                rules.VIEW_REPORTS,
                order=610,
                group=navigation.ANALYTICS,
            ),
        )
