"""Where the bench data lives and how the harness process is configured (before Django loads)."""

import os
import secrets
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
DATA_DIR = RESULTS_DIR / "data"
# ``guanxi serve`` refuses the built-in development key; one key per bench run.
SECRET_KEY = secrets.token_urlsafe(50)


def default_db_url(customers: int) -> str:
    return f"sqlite:///{RESULTS_DIR / f'bench-{customers}.sqlite3'}"


def server_environment(db_url: str) -> dict[str, str]:
    """The variables both this process and the server run with."""
    return {
        "DJANGO_SETTINGS_MODULE": "guanxi.settings",
        "GUANXI_DATABASE_URL": db_url,
        "GUANXI_DATA_DIR": str(DATA_DIR),
        "GUANXI_QUERY_COUNT_HEADER": "1",
        "GUANXI_SECRET_KEY": SECRET_KEY,
        # The server runs as in production (DEBUG off) but over plain HTTP on loopback.
        "GUANXI_SSL_REDIRECT": "0",
        "GUANXI_LOG_LEVEL": "ERROR",
        "GUANXI_API_USER_RATE": "1000000/min",
        # The measured users sign in without an authenticator app.
        "GUANXI_MFA_REQUIRED_ROLES": "",
    }


def configure(*, db_url: str, customers: int) -> str:
    """Point this process at the bench database; returns the database URL used."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    db_url = db_url or default_db_url(customers)
    for name in list(os.environ):
        # Only the bench's own settings count (a Redis URL may be benchmarked on purpose).
        if name.startswith("GUANXI_") and name != "GUANXI_REDIS_URL":
            del os.environ[name]
    os.environ.update(server_environment(db_url))
    return db_url
