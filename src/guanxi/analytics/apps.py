from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from guanxi.core import home, navigation
from guanxi.core.navigation import NavItem

# The two parts of the analytics menu.
STATISTICS = _("Statistics and reports")
INTELLIGENCE = _("Customer intelligence")


class AnalyticsConfig(AppConfig):
    name = "guanxi.analytics"
    label = "analytics"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        # Registers the app's object permissions with django-rules, once the apps are loaded.
        from guanxi.accounts import roles
        from guanxi.analytics import key_figures, rules
        from guanxi.analytics.receivers import bin_changed_receiver, past_orders_receiver
        from guanxi.analytics.selectors.home import company_home_panel
        from guanxi.analytics.views.reports import report_nav_key
        from guanxi.core.dependents import bin_changed
        from guanxi.sales.signals import past_orders_recorded

        roles.grant_by_default(rules.ROLE_GRANTS)
        assert key_figures.SCORE_FIELDS  # imported to register the models' 360-page figures
        from guanxi.analytics import notifications  # noqa: F401  (registers its kinds)
        from guanxi.analytics.services import (
            churn_model,  # noqa: F401  (registers its runner)
            rfm,  # noqa: F401  (registers its runners)
        )

        bin_changed.connect(bin_changed_receiver, dispatch_uid="guanxi_reports_bin_changed")
        past_orders_recorded.connect(
            past_orders_receiver, dispatch_uid="guanxi_reports_past_orders"
        )

        navigation.register(
            NavItem(
                "reports",
                _("Reports"),
                "analytics:index",
                rules.VIEW_REPORTS,
                order=600,
                group=navigation.ANALYTICS,
                heading=STATISTICS,
            ),
            NavItem(
                "kpis",
                _("KPI dashboard"),
                "analytics:kpis",
                rules.VIEW_REPORTS,
                order=610,
                group=navigation.ANALYTICS,
                heading=STATISTICS,
            ),
            NavItem(
                "pivot",
                _("Pivot analysis"),
                "analytics:pivot",
                rules.VIEW_REPORTS,
                order=620,
                group=navigation.ANALYTICS,
                heading=STATISTICS,
                shortcut=False,
            ),
            NavItem(
                "saved_queries",
                _("My queries"),
                "analytics:queries",
                rules.VIEW_REPORTS,
                order=630,
                group=navigation.ANALYTICS,
                heading=STATISTICS,
                shortcut=False,
            ),
            *(
                NavItem(
                    report_nav_key(slug),
                    label,
                    "analytics:report",
                    rules.VIEW_REPORTS,
                    order=order,
                    group=navigation.ANALYTICS,
                    heading=INTELLIGENCE,
                    url_args=(slug,),
                    shortcut=False,
                )
                for order, slug, label in (
                    (640, "rfm", _("RFM segments")),
                    (641, "purchase-cycle", _("Purchase cycle")),
                    (642, "clv", _("Customer lifetime value")),
                    (644, "product-associations", _("Product associations")),
                    (645, "forecast", _("Sales forecast")),
                )
            ),
            NavItem(
                "churn_model",
                _("Churn prediction"),
                "analytics:churn_model",
                rules.VIEW_REPORTS,
                order=643,
                group=navigation.ANALYTICS,
                heading=INTELLIGENCE,
                shortcut=False,
            ),
            NavItem(
                "intelligence_settings",
                _("Customer intelligence"),
                "analytics_settings:intelligence",
                rules.CHANGE_INTELLIGENCE_SETTINGS,
                hint=_("Windows and thresholds of RFM, CLV, the churn model and associations."),
                order=1160,
                group=navigation.SETTINGS,
                section=navigation.SECTION_DATA,
            ),
        )
        home.register_panel(
            home.HomePanel(
                key="company",
                template="analytics/partials/_home_panel.html",
                context=company_home_panel,
                audiences=(home.COMPANY,),
                permission=rules.VIEW_REPORTS,
                order=5,
            )
        )
