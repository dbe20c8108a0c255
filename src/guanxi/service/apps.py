from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from guanxi.core import home, navigation, quick_create, search
from guanxi.core.navigation import NavItem
from guanxi.core.quick_create import QuickCreateItem


class ServiceConfig(AppConfig):
    name = "guanxi.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        # Importing these registers requests on the customer's 360 page (timeline) and the
        # periodic jobs: the overdue scan, the mailbox poll and surveys (tasks), and the kinds
        # of notification it sends.
        from guanxi.accounts import roles
        from guanxi.core.imports.registry import register
        from guanxi.customers import personal_data, reassign_hooks
        from guanxi.service import notifications, rules, tasks, timeline  # noqa: F401
        from guanxi.service import personal_data as service_personal_data
        from guanxi.service.importing.requests import ServiceRequestImporter
        from guanxi.service.selectors import search as service_search
        from guanxi.service.selectors.home import service_home_panel
        from guanxi.service.services.requests import service_requests_follow_customer

        register(ServiceRequestImporter)
        roles.grant_by_default(rules.ROLE_GRANTS)

        # A customer changing hands takes its open requests along (and its owner onto them).
        reassign_hooks.register(service_requests_follow_customer)
        # A person's requests belong to their subject-access export and erasure (PIPL/GDPR).
        personal_data.register_personal_data_provider(
            "service",
            collect=service_personal_data.service_personal_data,
            anonymise=service_personal_data.service_personal_data_anonymise,
        )
        search.register(*service_search.SEARCH_KINDS)
        quick_create.register(
            QuickCreateItem(
                "service_request",
                _("New service request"),
                "service:request_create",
                rules.ADD_SERVICEREQUEST,
                90,
            )
        )
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
