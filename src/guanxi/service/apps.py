from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from guanxi.core import home, navigation
from guanxi.core.navigation import NavItem


class ServiceConfig(AppConfig):
    name = "guanxi.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        # Importing these registers requests on the customer's 360 page (timeline) and the
        # periodic jobs: the overdue scan, the mailbox poll and surveys (tasks), and the kinds
        # of notification it sends.
        from guanxi.accounts import roles
        from guanxi.customers import reassign_hooks
        from guanxi.service import notifications, rules, tasks, timeline  # noqa: F401
        from guanxi.service.selectors.home import service_home_panel
        from guanxi.service.services.requests import service_requests_follow_customer

        roles.grant_by_default(rules.ROLE_GRANTS)

        # A customer changing hands takes its open requests along (and its owner onto them).
        reassign_hooks.register(service_requests_follow_customer)
        # The SLA settings are reached from the queues.
        navigation.register(
            NavItem(
                "service",
                _("Service"),
                "service:request_list",
                rules.VIEW_SERVICEREQUEST,
                order=190,
            )
        )
        home.register_panel(
            home.HomePanel(
                key="service",
                template="service/partials/_home_panel.html",
                context=service_home_panel,
                audiences=(home.OWN, home.TEAM),
                permission=rules.VIEW_SERVICEREQUEST,
                order=30,
            )
        )
