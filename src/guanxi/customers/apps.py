from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _

from guanxi.core import home, navigation
from guanxi.core.navigation import NavItem
from guanxi.customers.search.sqlite import fts_ensure


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        # Imported here: models and services can be imported only once the app registry is ready.
        from guanxi.accounts import roles
        from guanxi.core import pickers
        from guanxi.customers import (
            notifications,  # noqa: F401  (its notification kinds)
            rules,  # (registers the app's rule permissions)
        )
        from guanxi.customers.models import DocumentVersion
        from guanxi.customers.selectors import pickers as customer_pickers
        from guanxi.customers.selectors.home import customer_home_counts
        from guanxi.customers.services.documents import document_version_file_forget

        post_migrate.connect(_search_index_ensure, sender=self, dispatch_uid="guanxi_search_fts")
        post_delete.connect(
            document_version_file_forget,
            sender=DocumentVersion,
            dispatch_uid="guanxi_document_file_forget",
        )
        roles.grant_by_default(rules.ROLE_GRANTS)
        pickers.register(customer_pickers.CUSTOMER, customer_pickers.CONTACT)
        navigation.register(
            NavItem(
                "customers",
                _("Customers"),
                "customers:list",
                rules.VIEW_CUSTOMER,
                hint=_("Find, add and follow up customers."),
                order=10,
            ),
            NavItem(
                "interactions",
                _("Interactions"),
                "customers:interaction_list",
                rules.VIEW_INTERACTION,
                order=20,
            ),
            NavItem("churn", _("Churn"), "customers:churn_list", rules.VIEW_CHURNCASE, order=30),
            NavItem("pool", _("Pool"), "customers:pool", rules.VIEW_CUSTOMER, order=40),
            NavItem(
                "field_rules",
                _("Field protection"),
                "customers:field_rule_list",
                rules.MANAGE_FIELD_RULES,
                order=120,
            ),
        )
        home.register_figures(
            home.HomeFigures(
                key="customers",
                template="customers/partials/_home_figures.html",
                permission=rules.VIEW_CUSTOMER,
                figures=customer_home_counts,
            )
        )


def _search_index_ensure(using: str, **kwargs: Any) -> None:
    """Restore SQLite's search triggers after a migration rebuilt the customer table."""
    fts_ensure(connections[using])
