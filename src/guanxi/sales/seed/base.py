"""What the sales seeders share: waiting for the customers of this run, and reading them back.

The customers seeder writes through ``ctx.writer`` (maybe in a second thread); a sales seeder
that derives rows from this run's customers first waits for those writes, then walks them in
id order, one batch at a time.
"""

import threading
from collections.abc import Iterator

from guanxi.core.seeding import SeedContext
from guanxi.customers.models import Customer


def wait_for_writes(ctx: SeedContext) -> None:
    """Let the writer finish what it holds (this run's customers) before reading them back."""
    done = threading.Event()
    ctx.writer.submit(done.set)
    while not done.wait(0.5):
        if getattr(ctx.writer, "_error", None) is not None:
            ctx.writer.submit(done.set)  # raises the writer's error here


def first_customer_id(customers: int) -> int | None:
    """The smallest id among the ``customers`` newest customers (those of this run)."""
    ids = Customer.all_objects.order_by("-pk").values_list("pk", flat=True)
    return ids[customers - 1 : customers].first() if customers else None


def customer_batches(ctx: SeedContext, customers: int, *fields: str) -> Iterator[list[tuple]]:
    """This run's customers as ``fields`` tuples (``pk`` first), ``ctx.batch_size`` at a time."""
    if not customers:
        return
    wait_for_writes(ctx)
    first = first_customer_id(customers)
    if first is None:
        return
    after = first - 1
    while True:
        batch = list(
            Customer.all_objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", *fields)[: ctx.batch_size]
        )
        if not batch:
            return
        after = batch[-1][0]
        yield batch
