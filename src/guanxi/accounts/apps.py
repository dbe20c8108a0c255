from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from guanxi.core import home, navigation
from guanxi.core.navigation import NavItem
from guanxi.core.rules import MANAGE_ACCOUNTS


class AccountsConfig(AppConfig):
    name = "guanxi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Both need the models loaded: the receivers record sign-ins, the selectors name roles.
        from guanxi.accounts import receivers  # noqa: F401
        from guanxi.accounts.selectors import pickers as account_pickers
        from guanxi.accounts.selectors.users import user_roles
        from guanxi.core import pickers

        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="guanxi_sync_roles")
        home.register_role_labels(user_roles)
        pickers.register(account_pickers.USER)
        navigation.register(
            NavItem(
                "users",
                _("Users"),
                "accounts:user_list",
                MANAGE_ACCOUNTS,
                hint=_("Create users, reset passwords, assign roles."),
                order=1000,
                group=navigation.SETTINGS,
                section=navigation.SECTION_ORGANISATION,
            ),
            NavItem(
                "teams",
                _("Teams"),
                "accounts:team_list",
                MANAGE_ACCOUNTS,
                hint=_("Shape the organisation tree."),
                order=1010,
                group=navigation.SETTINGS,
                section=navigation.SECTION_ORGANISATION,
            ),
            NavItem(
                "roles",
                _("Roles"),
                "accounts:role_list",
                MANAGE_ACCOUNTS,
                hint=_("Decide what each role may do."),
                order=1020,
                group=navigation.SETTINGS,
                section=navigation.SECTION_ORGANISATION,
            ),
        )


def _sync_roles_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # Permissions are created app by app; grant the roles' defaults once the last app has its own.
    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    # The roles module reads the permission and grant models, loaded only once apps are ready.
    from guanxi.accounts.roles import sync_builtin_roles

    sync_builtin_roles(using=using)
