"""The order history import benchmark: a generated file of order lines checked and committed.

``GUANXI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> python -m bench.order_import
--rows 100000 --customers 2000`` migrates that (existing, preferably empty) database, adds the
demo and bench users, seeds ``--customers`` customers and a catalogue of 200 products, writes
a CSV of ``--rows`` order lines (1–8 lines per order, product codes, customer codes, dates over
three years), then as ``admin``:

1. checks the file (the dry run: every line parsed, looked up and priced, every order written
   in a transaction rolled back),
2. commits it (orders and lines in bulk, history rows, customers' last order dates),
3. imports the same file again (every order already there: nothing is written).

Each step runs in-process exactly as the background job would and prints its rows/s.
``--profile FILE`` runs the first commit under cProfile and writes its statistics to FILE
(the 30 most costly functions are printed); ``--once`` skips the second import.
"""

import argparse
import cProfile
import csv
import os
import pstats
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench.environment import RESULTS_DIR
from bench.imports import _timed

HEADERS = ["订单编号", "客户编号", "订单日期", "状态", "产品编号", "数量", "单价", "折扣", "金额"]


def _catalogue(count: int) -> list[tuple[str, Decimal]]:
    from guanxi.sales.models import Product, ProductCategory

    category, created = ProductCategory.objects.get_or_create(name="基准产品")
    if not created:  # a run before made the catalogue
        return list(category.products.order_by("code").values_list("code", "price"))
    products = [
        Product(
            name=f"基准产品{n:04d}",
            code=f"BP{n:04d}",
            model_no=f"M-{n}",
            price=Decimal(10 + n * 3) + Decimal("0.50"),
            category=category,
        )
        for n in range(count)
    ]
    Product.objects.bulk_create(products)
    return [(product.code, product.price) for product in products]


def generate_file(path: Path, *, rows: int, seed: int, customers: list[str], products) -> int:
    """Write ``rows`` order lines; returns the number of orders."""
    from guanxi.sales.services.orders import line_amount

    rng = random.Random(seed)  # noqa: S311  (reproducible sample data)
    today = date.today()
    written = orders = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        while written < rows:
            orders += 1
            customer = rng.choice(customers)
            day = (today - timedelta(days=rng.randint(1, 3 * 365))).isoformat()
            for _line in range(min(rng.randint(1, 8), rows - written)):
                code, price = rng.choice(products)
                quantity = Decimal(rng.randint(1, 50))
                discount = Decimal(rng.choice([0, 0, 0, 5, 10]))
                amount = line_amount(quantity=quantity, unit_price=price, discount=discount)
                writer.writerow(
                    [f"SO-{seed}-{orders:07d}", customer, day, "已完成", code]
                    + [quantity, price, discount, amount]
                )
                written += 1
    return orders


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", default="", help="cProfile the first commit into this file")
    parser.add_argument("--once", action="store_true", help="do not import the file again")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command

    from guanxi.accounts.seed.demo import DEMO_PASSWORD, create_demo_organisation
    from guanxi.accounts.seed.organisation import bench_organisation_ensure, seed
    from guanxi.core.services import imports as services_imports
    from guanxi.customers.models import Customer
    from guanxi.sales.models import Order, OrderLine

    call_command("migrate", interactive=False, verbosity=0)
    users = create_demo_organisation(password=DEMO_PASSWORD)
    bench_organisation_ensure()
    if not Customer.objects.exists():
        seed(customers=args.customers, seed=args.seed)
    codes = list(Customer.objects.filter(owner__isnull=False).values_list("code", flat=True))
    products = _catalogue(200)
    path = RESULTS_DIR / f"order-import-{args.rows}-{args.seed}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    orders = generate_file(path, rows=args.rows, seed=args.seed, customers=codes, products=products)
    print(f"[bench] {args.rows:,} lines of {orders:,} orders in {path}", flush=True)
    services_imports.INLINE_MAX_ROWS = 10**9
    actor = users["admin"]
    results: dict = {}
    before = (Order.all_objects.count(), OrderLine.objects.count())

    def one_import(label: str, profile: str = "") -> None:
        with path.open("rb") as raw:
            job = services_imports.import_job_create(
                actor=actor, entity="orders", upload=File(raw, path.name)
            )
        job = _timed(
            f"{label} check (dry run)",
            lambda: services_imports.import_job_validate(actor=actor, job=job),
            args.rows,
            results,
        )

        def commit():
            if not profile:
                return services_imports.import_job_commit(actor=actor, job=job)
            profiler = cProfile.Profile()
            done = profiler.runcall(services_imports.import_job_commit, actor=actor, job=job)
            profiler.dump_stats(profile)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
            pstats.Stats(profile).sort_stats("tottime").print_stats(30)
            return done

        job = _timed(f"{label} commit", commit, args.rows, results)
        print(
            f"[bench] {label}: {job.state}, created {job.created_count:,}, unchanged "
            f"{job.skipped_count:,}, errors {job.error_count:,}",
            flush=True,
        )

    one_import("first import", args.profile)
    if not args.once:
        one_import("same file again")
    after = (Order.all_objects.count(), OrderLine.objects.count())
    print(f"[bench] orders +{after[0] - before[0]:,}, lines +{after[1] - before[1]:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
