from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "guanxi.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        # Importing these registers requests on the customer's 360 page (timeline) and the
        # periodic jobs: the overdue scan, the mailbox poll and surveys (tasks).
        from guanxi.service import tasks, timeline  # noqa: F401
