from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _

from guanxi.core import dependents, home, navigation, quick_create, search
from guanxi.core.navigation import NavItem
from guanxi.core.quick_create import QuickCreateItem
from guanxi.customers.search.sqlite import fts_ensure


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        # Imported here: models and services can be imported only once the app registry is ready.
        from guanxi.accounts import roles
        from guanxi.core import pickers
        from guanxi.core.imports.registry import register
        from guanxi.customers import (
            notifications,  # noqa: F401  (its notification kinds)
            rules,  # (registers the app's rule permissions)
        )
        from guanxi.customers.importers import (
            ContactImporter,
            CustomerImporter,
            InteractionImporter,
        )
        from guanxi.customers.models import Customer, DocumentVersion
        from guanxi.customers.selectors import pickers as customer_pickers
        from guanxi.customers.selectors import search as customer_search
        from guanxi.customers.selectors.home import customer_home_panel
        from guanxi.customers.services.documents import document_version_file_forget

        register(CustomerImporter)
        register(ContactImporter)
        register(InteractionImporter)
        post_migrate.connect(_search_index_ensure, sender=self, dispatch_uid="guanxi_search_fts")
        post_delete.connect(
            document_version_file_forget,
            sender=DocumentVersion,
            dispatch_uid="guanxi_document_file_forget",
        )
        roles.grant_by_default(rules.ROLE_GRANTS)
        # A customer's contacts, orders, service requests… follow it into the bin and back.
        dependents.follow(Customer, field="customer")
        _purge_option_register(rules)
        menu = navigation.CUSTOMERS
        pickers.register(
            customer_pickers.CUSTOMER, customer_pickers.CONTACT, customer_pickers.RECIPIENT
        )
        navigation.register(
            NavItem(
                "customers",
                _("Customers"),
                "customers:list",
                rules.VIEW_CUSTOMER,
                hint=_("Find, add and follow up customers."),
                order=10,
                group=menu,
            ),
            NavItem(
                "interactions",
                _("Interactions"),
                "customers:interaction_list",
                rules.VIEW_INTERACTION,
                order=20,
                group=menu,
            ),
            NavItem(
                "churn",
                _("Churn"),
                "customers:churn_list",
                rules.VIEW_CHURNCASE,
                order=30,
                group=menu,
            ),
            NavItem("pool", _("Pool"), "customers:pool", rules.VIEW_CUSTOMER, order=40, group=menu),
            NavItem(
                "field_rules",
                _("Field protection"),
                "customers:field_rule_list",
                rules.MANAGE_FIELD_RULES,
                hint=_("Hide or mask fields such as phone numbers from chosen roles."),
                order=1040,
                group=navigation.SETTINGS,
                section=navigation.SECTION_ORGANISATION,
            ),
            NavItem(
                "pool_settings",
                _("Pool settings"),
                "customers:pool_settings",
                rules.MANAGE_POOL_SETTINGS,
                hint=_("When customers go back to the pool, and how many each person may own."),
                order=1200,
                group=navigation.SETTINGS,
                section=navigation.SECTION_SALES,
            ),
        )
        search.register(*customer_search.SEARCH_KINDS)
        quick_create.register(
            QuickCreateItem(
                "customer", _("New customer"), "customers:create", rules.ADD_CUSTOMER, 10
            )
        )
        home.register_panel(
            home.HomePanel(
                key="customers",
                template="customers/partials/_home_panel.html",
                context=customer_home_panel,
                audiences=(home.OWN, home.TEAM),
                permission=rules.VIEW_CUSTOMER,
                order=10,
            )
        )


def _purge_option_register(rules: Any) -> None:
    """Purging a person customer may also erase them from the audit history (PIPL/GDPR)."""
    from guanxi.core import recycle_bin
    from guanxi.customers.models import Customer
    from guanxi.customers.services.privacy import customer_anonymise_before_purge

    recycle_bin.register_purge_option(
        recycle_bin.PurgeOption(
            key="customers.anonymise",
            label=_("Anonymise personal data in history"),
            help_text=_(
                "The person's name, phones, e-mails, addresses and numbers are replaced by "
                "placeholders in the audit history too, and their documents are deleted. "
                "Without it, the history keeps them."
            ),
            applies=lambda actor, instance: (
                isinstance(instance, Customer)
                and rules.may_anonymise_personal_data(actor, instance)
            ),
            run=customer_anonymise_before_purge,
        )
    )


def _search_index_ensure(using: str, **kwargs: Any) -> None:
    """Restore SQLite's search triggers after a migration rebuilt the customer table."""
    fts_ensure(connections[using])
