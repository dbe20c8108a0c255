from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from guanxi.core import navigation
from guanxi.core.navigation import NavItem

# The part of the analytics menu that judges the CRM itself.
EVALUATION = _("Evaluating the CRM")


class EvaluationConfig(AppConfig):
    name = "guanxi.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from guanxi.accounts import roles
        from guanxi.evaluation import rules

        roles.grant_by_default(rules.ROLE_GRANTS)
        navigation.register(
            NavItem(
                "tco",
                _("Total cost of ownership"),
                "evaluation:tco_list",
                rules.VIEW_TCO_PLAN,
                hint=_("Five-year costs of the CRM by category, initial and ongoing."),
                order=660,
                group=navigation.ANALYTICS,
                heading=EVALUATION,
                shortcut=False,
            ),
            NavItem(
                "roi",
                _("Return on investment"),
                "evaluation:roi_list",
                rules.VIEW_ROI_ASSESSMENT,
                hint=_("Savings and revenue growth against the costs: ROI, NPV, payback."),
                order=661,
                group=navigation.ANALYTICS,
                heading=EVALUATION,
                shortcut=False,
            ),
            NavItem(
                "baselines",
                _("Before and after"),
                "evaluation:baseline_list",
                rules.READ_BASELINES,
                hint=_(
                    "KPI baselines frozen at go-live, compared with the KPIs now and the targets."
                ),
                order=662,
                group=navigation.ANALYTICS,
                heading=EVALUATION,
                shortcut=False,
            ),
            NavItem(
                "assessment",
                _("Application assessment"),
                "evaluation:assessment",
                rules.READ_BASELINES,
                hint=_(
                    "A quarter's use of the CRM: who signs in, which records are made, the KPIs."
                ),
                order=663,
                group=navigation.ANALYTICS,
                heading=EVALUATION,
                shortcut=False,
            ),
        )
