"""``guanxi seed --customers N [--seed S]``: deterministic demo/benchmark data."""

from django.core.management.base import BaseCommand, CommandError

from guanxi.accounts.seed import organisation as seeding
from guanxi.core.bulk import BATCH_SIZE


class Command(BaseCommand):
    help = "Generate N zh_CN customers with contacts; the same N and seed give the same data."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--customers", type=int, required=True, help="How many customers.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Rows per INSERT batch (default {BATCH_SIZE}).",
        )

    def handle(
        self, *, customers: int, seed: int, batch_size: int, verbosity: int, **options
    ) -> None:
        if customers < 0:
            raise CommandError("--customers must be zero or more")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        progress = self.stdout.write if verbosity > 1 else None
        report = seeding.seed(
            customers=customers, seed=seed, batch_size=batch_size, progress=progress, parallel=True
        )
        counts = ", ".join(f"{name}={rows}" for name, rows in report.counts.items()) or "nothing"
        self.stdout.write(
            f"seeded {counts} in {report.seconds:.1f}s ({report.rows_per_second:,.0f} rows/s)"
        )
