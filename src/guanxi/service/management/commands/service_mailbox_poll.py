"""``guanxi manage service_mailbox_poll``: read the service mailbox once, now (what the
``service.mailbox_poll`` job does every few minutes)."""

from django.core.management.base import BaseCommand

from guanxi.service.mailbox import mailbox_poll


class Command(BaseCommand):
    help = "Turn the unseen mail of the service mailbox into service requests and replies."

    def handle(self, *args, **options):
        report = mailbox_poll()
        if not report.enabled:
            self.stdout.write("The service mailbox is off: set GUANXI_IMAP_HOST.")
            return
        counts = report.as_dict()
        counts.pop("enabled")
        self.stdout.write(", ".join(f"{name} {count}" for name, count in counts.items()))
