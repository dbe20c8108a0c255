from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate

        from guanxi.customers.models import DocumentVersion
        from guanxi.customers.services.documents import document_version_file_forget

        post_migrate.connect(_search_index_ensure, sender=self, dispatch_uid="guanxi_search_fts")
        post_delete.connect(
            document_version_file_forget,
            sender=DocumentVersion,
            dispatch_uid="guanxi_document_file_forget",
        )


def _search_index_ensure(using, **kwargs) -> None:
    """Restore SQLite's search triggers after a migration rebuilt the customer table."""
    from django.db import connections

    from guanxi.customers.search.sqlite import fts_ensure

    fts_ensure(connections[using])
