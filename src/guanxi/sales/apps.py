from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from guanxi.core import navigation
from guanxi.core.navigation import NavItem


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import the models.
        from guanxi.accounts import roles
        from guanxi.core import pickers
        from guanxi.customers import churn_open_work, reassign_hooks
        from guanxi.sales import (
            notifications,  # noqa: F401  (its notification kinds)
            rules,
            timeline,  # noqa: F401  (orders on the customer's 360 page)
        )
        from guanxi.sales.selectors import pickers as sales_pickers
        from guanxi.sales.selectors.opportunities import opportunities_open
        from guanxi.sales.selectors.pipeline import deals_open
        from guanxi.sales.services.opportunities import opportunities_follow_customer
        from guanxi.sales.services.pipeline import deals_follow_customer

        pickers.register(*sales_pickers.KINDS)

        # A customer changing hands takes its open opportunities and deals along.
        reassign_hooks.register(opportunities_follow_customer)
        reassign_hooks.register(deals_follow_customer)
        roles.grant_by_default(rules.ROLE_GRANTS)
        # A customer with an open deal or opportunity is being worked on: no churn warning.
        churn_open_work.register(deals_open)
        churn_open_work.register(opportunities_open)
        post_migrate.connect(
            _seed_stages_after_migrate, sender=self, dispatch_uid="guanxi_pipeline_stages"
        )
        navigation.register(
            NavItem(
                "opportunities",
                _("Opportunities"),
                "sales:opportunity_list",
                rules.VIEW_OPPORTUNITY,
                order=50,
            ),
            NavItem("pipeline", _("Pipeline"), "sales:pipeline_board", rules.VIEW_DEAL, order=60),
            # Inventory is reached from the products, contracts from quotes and receivables.
            NavItem("orders", _("Orders"), "sales:order_list", rules.VIEW_ORDER, order=130),
            NavItem("products", _("Products"), "sales:product_list", rules.VIEW_PRODUCT, order=140),
            NavItem("targets", _("Targets"), "sales:target_list", rules.VIEW_TARGET, order=150),
            NavItem("leads", _("Leads"), "sales:lead_list", rules.VIEW_LEAD, order=160),
            NavItem("quotes", _("Quotes"), "sales:quote_list", rules.VIEW_QUOTE, order=170),
            NavItem(
                "receivables",
                _("Receivables"),
                "sales:receivable_list",
                rules.VIEW_RECEIVABLE,
                order=180,
            ),
        )


def _seed_stages_after_migrate(sender, using="default", apps=None, **kwargs) -> None:
    """The default pipeline stages, when the database has none (a new install, a test run)."""
    from django.apps import apps as installed_apps

    # migrate passes the migration state's apps; flush and test set-ups pass none.
    try:
        stage_model = (apps or installed_apps).get_model("sales", "PipelineStage")
    except LookupError:  # migrated back to before the pipeline existed
        return
    # Imported here: the signal may fire before this app's models are ready to import.
    from guanxi.sales.services.pipeline import stages_seed_defaults

    stages_seed_defaults(stage_model=stage_model, using=using)
