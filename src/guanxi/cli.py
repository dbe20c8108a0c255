"""The ``guanxi`` command: demo, serve, worker, scheduler, seed, backup, restore, manage.

``guanxi demo`` is the one-command tour (demo logins, sample data, a job worker and the
scheduler; debug off, so visitors see Guanxi's own error pages); ``guanxi serve`` is production
(gunicorn, never demo users). Everything else is a thin door to the management commands, so
the same work is reachable as ``guanxi manage ...``.
"""

import argparse
import os
import signal
import subprocess
import sys
import unicodedata

DEMO_CUSTOMERS = 300
DEMO_LOGINS = [
    "admin",
    "exec",
    "supervisor",
    "manager1",
    "manager2",
    "manager3",
    "supervisor2",
    "assistant",
]


# Django and Guanxi's models can be imported only after ``django.setup()`` (``_setup``), so
# each command imports what it needs where it runs.


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["guanxi manage", *args])


def _demo_data() -> None:
    from django.db.models import Q

    from guanxi.accounts.models import User
    from guanxi.accounts.seed.demo import DEMO_PASSWORD, create_demo_organisation
    from guanxi.accounts.seed.organisation import seed
    from guanxi.customers.models import Customer

    if not User.objects.filter(username="admin").exists():
        create_demo_organisation(password=DEMO_PASSWORD)
    managers = list(
        User.objects.filter(username__in=["manager1", "manager2", "manager3"]).order_by("username")
    )
    if not Customer.all_objects.filter(Q(owner__in=managers) | Q(owner=None)).exists():
        report = seed(customers=DEMO_CUSTOMERS, seed=1, owners=managers)
        print(f"Seeded {report.counts.get('customers', 0)} demo customers.")


def _pad(text: str, width: int) -> str:
    # Chinese characters take two columns in a terminal.
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def _print_logins(host: str, port: int) -> None:
    from guanxi.accounts.models import User
    from guanxi.accounts.seed.demo import DEMO_PASSWORD
    from guanxi.accounts.selectors.users import user_roles

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_LOGINS)}
    print(f"\nDemo logins (password: {DEMO_PASSWORD})")
    print(f"  {'username':<12} {'name':<8} role")
    for username in DEMO_LOGINS:
        user = users.get(username)
        if user is not None:
            roles = ", ".join(str(r) for r in user_roles(user))
            print(f"  {username:<12} {_pad(user.get_full_name(), 8)} {roles}")
    print(f"\nOpen http://{host}:{port}/  (Ctrl+C stops the server, worker and scheduler)\n")


def demo_environment() -> None:
    """The demo's settings: plain HTTP on this machine, static files served by WhiteNoise from
    the source tree, and debug off, so an error or an unknown address shows Guanxi's own page
    in the visitor's language, never Django's debug page with the URL list and settings."""
    os.environ["GUANXI_DEMO"] = "1"
    os.environ["GUANXI_DEBUG"] = "0"


def cmd_demo(args) -> None:
    demo_environment()
    # The demo logins sign in with their password alone (unless the operator asks otherwise).
    os.environ.setdefault("GUANXI_MFA_REQUIRED_ROLES", "")
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    _demo_data()
    _print_logins(args.host, args.port)
    # The worker runs jobs enqueued by the demo (e.g. ending a deactivated user's sessions);
    # the scheduler enqueues the daily housekeeping.
    helpers = [
        subprocess.Popen([sys.executable, "-m", "guanxi.cli", name], env=os.environ.copy())  # noqa: S603
        for name in ("worker", "scheduler")
    ]
    # A plain SIGTERM would skip the clean-up below and leave the helpers running.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    try:
        call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
    finally:
        for process in helpers:
            process.terminate()
        for process in helpers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _require_secret_key() -> None:
    """Production never signs sessions and tokens with the key published in the source."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    if settings.SECRET_KEY in ("", getattr(settings, "INSECURE_SECRET_KEY", None)):
        sys.exit(
            _(
                "guanxi serve will not start with the built-in development secret key. Set "
                "GUANXI_SECRET_KEY to a long random value, for example the output of: "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        )


def cmd_serve(args) -> None:
    _setup()
    _require_secret_key()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "guanxi.wsgi",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-" if args.access_log else "/dev/null",
    ]
    os.execv(sys.executable, command)  # noqa: S606  (gunicorn replaces this process)


def cmd_worker(args) -> None:
    _setup()
    _manage("worker", *(["--batch"] if args.batch else []))


def cmd_scheduler(args) -> None:
    _setup()
    _manage("scheduler", *(["--once"] if args.once else []), *(["--list"] if args.list else []))


def cmd_seed(args) -> None:
    _setup()
    _manage("seed", "--customers", str(args.customers), "--seed", str(args.seed))


def cmd_backup(args) -> None:
    _setup()
    _manage("backup", *(["--to", args.directory] if args.directory else []))


def cmd_restore(args) -> None:
    _setup()
    _manage(
        "restore",
        args.archive,
        *(["--force"] if args.force else []),
        *(["--check"] if args.check else []),
    )


def cmd_manage(args) -> None:
    _setup()
    _manage(*args.rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="guanxi", description="Guanxi (关系) CRM.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser("demo", help="Try Guanxi: demo users and data, local server.")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=cmd_demo)

    serve = commands.add_parser("serve", help="Run the production web server (gunicorn).")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=int(os.environ.get("GUANXI_WEB_WORKERS", "3"))
    )
    serve.add_argument("--access-log", action="store_true", help="Log every request.")
    serve.set_defaults(func=cmd_serve)

    worker = commands.add_parser("worker", help="Run background jobs (database queue or RQ).")
    worker.add_argument("--batch", action="store_true", help="Run waiting jobs, then exit.")
    worker.set_defaults(func=cmd_worker)

    scheduler = commands.add_parser("scheduler", help="Enqueue periodic jobs when due.")
    scheduler.add_argument("--once", action="store_true", help="Enqueue what is due, then exit.")
    scheduler.add_argument("--list", action="store_true", help="List the periodic jobs and exit.")
    scheduler.set_defaults(func=cmd_scheduler)

    seed = commands.add_parser("seed", help="Generate deterministic sample customers.")
    seed.add_argument("--customers", type=int, required=True)
    seed.add_argument("--seed", type=int, default=1)
    seed.set_defaults(func=cmd_seed)

    backup = commands.add_parser(
        "backup", help="Write a backup archive: database, documents and a manifest."
    )
    backup.add_argument("--to", dest="directory", metavar="DIR", help="Default: GUANXI_BACKUP_DIR.")
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser(
        "restore", help="Restore a backup archive (a database in use only with --force)."
    )
    restore.add_argument("archive")
    restore.add_argument(
        "--force", action="store_true", help="Replace a database that already holds data."
    )
    restore.add_argument(
        "--check", action="store_true", help="Only check the archive; change nothing."
    )
    restore.set_defaults(func=cmd_restore)

    manage = commands.add_parser("manage", help="Run a Django management command.", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
