from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from guanxi.core import navigation
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
        from guanxi.service.services.requests import service_requests_follow_customer

        roles.grant_by_default(rules.ROLE_GRANTS)

        # A customer changing hands takes its open requests along (and its owner onto them).
        reassign_hooks.register(service_requests_follow_customer)
        navigation.register(
            NavItem(
                "service",
                _("Service requests"),
                "service:request_list",
                rules.VIEW_SERVICEREQUEST,
                order=300,
                group=navigation.SERVICE,
            ),
            NavItem(
                "sla",
                _("Service levels"),
                "service:sla_settings",
                rules.CHANGE_SERVICELEVELTARGET,
                hint=_("Response and resolution times per priority."),
                order=1300,
                group=navigation.SETTINGS,
                section=navigation.SECTION_SERVICE,
            ),
        )
