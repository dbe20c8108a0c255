from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "guanxi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from guanxi.accounts import receivers  # noqa: F401

        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="guanxi_sync_roles")


def _sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    # Permissions are created app by app; grant the roles' defaults once the last app has its own.
    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    from guanxi.accounts.roles import sync_builtin_roles

    sync_builtin_roles(using=using)
