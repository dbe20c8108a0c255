from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from guanxi.core import navigation
from guanxi.core.navigation import NavItem


class CollaborationConfig(AppConfig):
    name = "guanxi.collaboration"
    verbose_name = _("Collaboration")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The roles and rules modules read the models, loaded only once the apps are ready.
        from guanxi.accounts import roles
        from guanxi.collaboration import rules

        roles.grant_by_default(rules.ROLE_GRANTS)
        navigation.register(
            NavItem(
                "notifications",
                _("Notifications"),
                "collaboration:notifications",
                "",
                order=500,
                group=navigation.COLLABORATION,
            )
        )
