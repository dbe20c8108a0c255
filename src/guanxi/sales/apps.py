from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from guanxi.core import home, navigation, quick_create, search
from guanxi.core.navigation import NavItem
from guanxi.core.quick_create import QuickCreateItem


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import the models.
        from guanxi.accounts import roles
        from guanxi.core import pickers
        from guanxi.core.imports.registry import register
        from guanxi.customers import churn_open_work, personal_data, reassign_hooks
        from guanxi.sales import (
            customer_tabs,  # noqa: F401  (next steps and tabs of the customer's 360 page)
            notifications,  # noqa: F401  (its notification kinds)
            rules,
            timeline,  # noqa: F401  (orders on the customer's 360 page)
        )
        from guanxi.sales import personal_data as sales_personal_data
        from guanxi.sales.importers import ProductImporter
        from guanxi.sales.importing import DealImporter, LeadImporter, OpportunityImporter
        from guanxi.sales.importing.contracts import ContractImporter
        from guanxi.sales.importing.inventory import InventoryImporter
        from guanxi.sales.importing.orders import OrderImporter
        from guanxi.sales.importing.quotes import QuoteImporter
        from guanxi.sales.importing.receivables import ReceivableImporter
        from guanxi.sales.selectors import pickers as sales_pickers
        from guanxi.sales.selectors import search as sales_search
        from guanxi.sales.selectors.home import sales_home_panel
        from guanxi.sales.selectors.opportunities import opportunities_open
        from guanxi.sales.selectors.pipeline import deals_open
        from guanxi.sales.services.opportunities import opportunities_follow_customer
        from guanxi.sales.services.pipeline import deals_follow_customer

        register(ProductImporter)
        register(InventoryImporter)
        register(OrderImporter)
        register(QuoteImporter)
        register(ContractImporter)
        register(ReceivableImporter)
        register(LeadImporter)
        register(OpportunityImporter)
        register(DealImporter)
        pickers.register(*sales_pickers.KINDS)

        # A customer changing hands takes its open opportunities and deals along.
        reassign_hooks.register(opportunities_follow_customer)
        reassign_hooks.register(deals_follow_customer)
        # What a person bought and asked belongs to their export and erasure (PIPL/GDPR).
        personal_data.register_personal_data_provider(
            "sales",
            collect=sales_personal_data.sales_personal_data,
            anonymise=sales_personal_data.sales_personal_data_anonymise,
        )
        roles.grant_by_default(rules.ROLE_GRANTS)
        # A customer with an open deal or opportunity is being worked on: no churn warning.
        churn_open_work.register(deals_open)
        churn_open_work.register(opportunities_open)
        post_migrate.connect(
            _seed_stages_after_migrate, sender=self, dispatch_uid="guanxi_pipeline_stages"
        )
        search.register(*sales_search.SEARCH_KINDS)
        quick_create.register(
            QuickCreateItem("lead", _("New lead"), "sales:lead_create", rules.ADD_LEAD, 30),
            QuickCreateItem(
                "opportunity",
                _("New opportunity"),
                "sales:opportunity_create",
                rules.ADD_OPPORTUNITY,
                40,
            ),
            QuickCreateItem("quote", _("New quote"), "sales:quote_create", rules.ADD_QUOTE, 60),
            QuickCreateItem("order", _("New order"), "sales:order_create", rules.ADD_ORDER, 70),
        )
        menu = navigation.SALES
        # Inventory is reached from the products; the stages and routing rules are settings.
        navigation.register(
            NavItem("leads", _("Leads"), "sales:lead_list", rules.VIEW_LEAD, order=100, group=menu),
            NavItem(
                "opportunities",
                _("Opportunities"),
                "sales:opportunity_list",
                rules.VIEW_OPPORTUNITY,
                order=110,
                group=menu,
            ),
            NavItem(
                "pipeline",
                _("Pipeline"),
                "sales:pipeline_board",
                rules.VIEW_DEAL,
                order=120,
                group=menu,
            ),
            NavItem(
                "quotes", _("Quotes"), "sales:quote_list", rules.VIEW_QUOTE, order=130, group=menu
            ),
            NavItem(
                "orders", _("Orders"), "sales:order_list", rules.VIEW_ORDER, order=140, group=menu
            ),
            NavItem(
                "contracts",
                _("Contracts"),
                "sales:contract_list",
                rules.VIEW_CONTRACT,
                order=150,
                group=menu,
            ),
            NavItem(
                "receivables",
                _("Receivables"),
                "sales:receivable_list",
                rules.VIEW_RECEIVABLE,
                order=160,
                group=menu,
            ),
            NavItem(
                "products",
                _("Products"),
                "sales:product_list",
                rules.VIEW_PRODUCT,
                order=170,
                group=menu,
            ),
            NavItem(
                "targets",
                _("Targets"),
                "sales:target_list",
                rules.VIEW_TARGET,
                order=180,
                group=menu,
            ),
            NavItem(
                "lead_routing",
                _("Lead routing rules"),
                "sales:lead_routing",
                rules.MANAGE_LEAD_ROUTING,
                hint=_("Which account manager or team a new lead goes to, by region."),
                order=1210,
                group=navigation.SETTINGS,
                section=navigation.SECTION_SALES,
            ),
            NavItem(
                "stages",
                _("Pipeline stages"),
                "sales:stage_list",
                rules.MANAGE_STAGES,
                hint=_("The stages of the sales pipeline and their win probabilities."),
                order=1220,
                group=navigation.SETTINGS,
                section=navigation.SECTION_SALES,
            ),
        )
        home.register_panel(
            home.HomePanel(
                key="sales",
                template="sales/partials/_home_panel.html",
                context=sales_home_panel,
                audiences=(home.OWN, home.TEAM),
                permission=rules.VIEW_ORDER,
                order=20,
            )
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
