"""``guanxi worker``: run the background-job worker of the configured task backend."""

from typing import cast

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def backend_kind() -> str:
    """``"rq"`` when jobs go through Redis, ``"db"`` for the embedded database queue."""
    backend = cast(str, settings.TASKS["default"]["BACKEND"])
    return "rq" if backend.startswith("django_tasks_rq.") else "db"


class Command(BaseCommand):
    help = "Run the background job worker (database queue, or RQ when a Redis URL is set)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs waiting now, then exit."
        )
        parser.add_argument("--queue", default="default", help="Queue to work on.")

    def handle(self, *, batch: bool, queue: str, verbosity: int, **options) -> None:
        if backend_kind() == "rq":
            # RQ must build django-tasks' own job class to call a task function.
            call_command(
                "rqworker",
                queue,
                job_class="django_tasks_rq.Job",
                burst=batch,
                with_scheduler=not batch,
                verbosity=verbosity,
            )
        else:
            call_command(
                "db_worker",
                queue_name=queue,
                batch=batch,
                reload=False,
                startup_delay=not batch,
                verbosity=verbosity,
            )
