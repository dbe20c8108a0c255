from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from guanxi.core import home, navigation
from guanxi.core.navigation import NavItem


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate

        from guanxi.customers.models import DocumentVersion
        from guanxi.customers.selectors.home import customer_home_counts
        from guanxi.customers.services.documents import document_version_file_forget

        post_migrate.connect(_search_index_ensure, sender=self, dispatch_uid="guanxi_search_fts")
        post_delete.connect(
            document_version_file_forget,
            sender=DocumentVersion,
            dispatch_uid="guanxi_document_file_forget",
        )
        navigation.register(
            NavItem(
                "customers",
                _("Customers"),
                "customers:list",
                "customers.view_customer",
                hint=_("Find, add and follow up customers."),
                order=10,
            ),
            NavItem(
                "interactions",
                _("Interactions"),
                "customers:interaction_list",
                "customers.view_interaction",
                order=20,
            ),
            NavItem(
                "churn", _("Churn"), "customers:churn_list", "customers.view_churncase", order=30
            ),
            NavItem("pool", _("Pool"), "customers:pool", "customers.view_customer", order=40),
            NavItem(
                "field_rules",
                _("Field protection"),
                "customers:field_rule_list",
                "accounts.manage_accounts",
                order=120,
            ),
        )
        home.register_figures(
            home.HomeFigures(
                key="customers",
                template="customers/partials/_home_figures.html",
                permission="customers.view_customer",
                figures=customer_home_counts,
            )
        )


def _search_index_ensure(using, **kwargs) -> None:
    """Restore SQLite's search triggers after a migration rebuilt the customer table."""
    from django.db import connections

    from guanxi.customers.search.sqlite import fts_ensure

    fts_ensure(connections[using])
