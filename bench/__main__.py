"""Command line of the benchmark harness.

``python -m bench run --customers 100000 --db postgres://postgres@127.0.0.1:5432/guanxi_bench``
prepares (creates, migrates, seeds) the bench database, starts the real server on a free
loopback port, runs the scenarios and prints p50/p95 latencies and query counts.
"""

import argparse
import sys

from bench import environment


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="Prepare the database, start the server, measure.")
    run.add_argument("--customers", type=int, default=100_000, help="Customers to seed.")
    run.add_argument("--seed", type=int, default=1, help="Seed of the data generator.")
    run.add_argument("--db", default="", help="PostgreSQL URL; default a SQLite file in results/.")
    run.add_argument("--scenarios", default="", help="Comma-separated names or prefixes.")
    run.add_argument("--repeat", type=int, default=20, help="Measured runs per scenario.")
    run.add_argument(
        "--cold",
        action="store_true",
        help="In-process scenarios (jobs) run --repeat times with no warm-up run first.",
    )
    run.add_argument("--json", default="", help="Where to write the JSON results.")
    run.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
    run.add_argument("--fresh", action="store_true", help="Re-create and re-seed the database.")
    commands.add_parser("list", help="List the scenarios.")
    imports = commands.add_parser("import", help="Time checking and committing a customer file.")
    imports.add_argument("--rows", type=int, default=100_000, help="Rows of the generated file.")
    imports.add_argument("--existing", type=int, default=0, help="Customers seeded beforehand.")
    imports.add_argument("--seed", type=int, default=1, help="Seed of the data generator.")
    imports.add_argument("--db", default="", help="Database URL (its name must contain 'bench').")
    imports.add_argument("--json", default="", help="Where to write the JSON results.")
    imports.add_argument(
        "--entity",
        default="customers",
        choices=["customers", "contacts", "interactions"],
        help="What the file holds (contacts and interactions: bench/entity_imports.py).",
    )
    imports.add_argument(
        "--customers", type=int, default=0, help="Customers seeded for contacts/interactions."
    )
    imports.add_argument(
        "--once", action="store_true", help="Contacts/interactions: skip importing it again."
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "list":
        environment.configure(db_url="", customers=0)
        from bench.scenarios import registered

        for scenario in registered():
            print(f"{scenario.name:<40} {scenario.kind:<7} {scenario.user:<10} {scenario.about}")
        return 0
    if args.command == "import":
        db_url = args.db or f"sqlite:///{environment.RESULTS_DIR / 'bench-import.sqlite3'}"
        environment.configure(db_url=db_url, customers=0)
        if args.entity != "customers":
            from bench.entity_imports import run_entity_import_bench

            args.customers = args.customers or max(1000, args.rows // 10)
            return run_entity_import_bench(args)
        from bench.imports import run_import_bench

        return run_import_bench(args)
    if args.customers < 1 or args.repeat < 1:
        print("--customers and --repeat must be at least 1", file=sys.stderr)
        return 2
    environment.configure(db_url=args.db, customers=args.customers)
    from bench.runner import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
