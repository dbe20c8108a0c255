from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _

from guanxi.customers.search.sqlite import fts_ensure


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        # Imported here: models and services can be imported only once the app registry is ready.
        from guanxi.customers import rules  # noqa: F401  (registers the app's rule permissions)
        from guanxi.customers.models import DocumentVersion
        from guanxi.customers.services.documents import document_version_file_forget

        post_migrate.connect(_search_index_ensure, sender=self, dispatch_uid="guanxi_search_fts")
        post_delete.connect(
            document_version_file_forget,
            sender=DocumentVersion,
            dispatch_uid="guanxi_document_file_forget",
        )


def _search_index_ensure(using: str, **kwargs: Any) -> None:
    """Restore SQLite's search triggers after a migration rebuilt the customer table."""
    fts_ensure(connections[using])
