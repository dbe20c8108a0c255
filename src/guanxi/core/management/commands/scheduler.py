"""``guanxi scheduler``: enqueue the periodic jobs (daily clean-ups...) when they are due."""

from django.core.management.base import BaseCommand

from guanxi.core.jobs import registered_jobs
from guanxi.core.scheduler import run_due, run_forever


class Command(BaseCommand):
    help = "Enqueue periodic jobs when due. Run exactly one scheduler per installation."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Enqueue the jobs due now, then exit."
        )
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between checks (default 30)."
        )
        parser.add_argument(
            "--list",
            action="store_true",
            dest="list_jobs",
            help="List the registered periodic jobs and exit.",
        )

    def handle(self, *, once: bool, interval: float, list_jobs: bool, **options) -> None:
        if list_jobs:
            for job in registered_jobs():
                self.stdout.write(
                    f"{job.name}\t{job.every}\t{job.at:%H:%M}\t{job.task.module_path}"
                )
            return
        if once:
            self._report(run_due())
            return
        self.stdout.write(f"Scheduler running, checking every {interval:g}s (Ctrl+C to stop).")
        try:
            run_forever(interval=interval, report=self._report)
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")

    def _report(self, names: list[str]) -> None:
        for name in names:
            self.stdout.write(f"enqueued {name}")
        if not names:
            self.stdout.write("nothing due")
