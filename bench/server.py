"""Start ``guanxi serve`` (gunicorn, DEBUG off) on a free loopback port, and stop it."""

import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx

from bench.environment import RESULTS_DIR


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(*, workers: int, env: dict[str, str], timeout: float = 120.0):
    """Yield the base URL of a running server; the server is stopped afterwards."""
    port = free_port()
    log = (RESULTS_DIR / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "guanxi.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the server exited early; see {RESULTS_DIR / 'server.log'}")
            try:
                httpx.get(f"{base}/accounts/login/", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start in time") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
