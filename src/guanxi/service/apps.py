from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "guanxi.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        # The intake's periodic jobs (mailbox poll, automatic surveys) live beside the app's
        # ``tasks`` module; importing them registers them with the scheduler.
        from guanxi.service import tasks_intake  # noqa: F401
