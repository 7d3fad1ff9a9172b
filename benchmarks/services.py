"""What a run borrows and gives back: scratch databases, a Redis namespace and `taskreward serve` processes."""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import redis
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

SECRET = secrets.token_hex(32)
METRICS_TOKEN = secrets.token_urlsafe(24)


@contextlib.contextmanager
def scratch_database(admin_url: str, label: str) -> Iterator[URL]:
    """A fresh database on the server of `admin_url`, dropped on the way out whatever happened."""
    admin = make_url(admin_url).set(drivername="postgresql+psycopg")
    name = f"taskreward_bench_{label}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin.set(database=name)
        finally:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@contextlib.contextmanager
def redis_namespace(url: str) -> Iterator[str]:
    """A namespace of our own on a shared Redis: only its keys are deleted afterwards, never the rest."""
    namespace = f"taskreward-bench-{uuid.uuid4().hex[:8]}"
    try:
        yield namespace
    finally:
        if url:
            client = redis.Redis.from_url(url)
            keys = list(client.scan_iter(match=f"{namespace}:*", count=1000))
            for start in range(0, len(keys), 500):
                client.unlink(*keys[start : start + 500])
            client.close()


class Server:
    """`taskreward serve` in its own session, so the load never shares its event loop or its signals."""

    def __init__(self, pid: int, base: str, log: Path) -> None:
        self.pid = pid
        self.base = base
        self.log = log

    def metrics(self) -> dict[str, float]:
        """Each taskreward_* counter summed over its labels, keyed by name (the `_total` suffix dropped).

        Requests for /metrics itself are left out, so reading the counters does not move them."""
        body = httpx.get(f"{self.base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=30).text
        totals: dict[str, float] = {}
        for family in text_string_to_metric_families(body):
            if family.name.startswith("taskreward_"):
                samples = [
                    s for s in family.samples if s.name.endswith("_total") and s.labels.get("path") != "/metrics"
                ]
                totals[family.name] = sum(s.value for s in samples)
        return totals

    def errors_logged(self) -> int:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return sum("Traceback" in line or " ERROR " in line for line in lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(database: URL, redis_url: str, namespace: str, workers: int, out: Path, name: str) -> Iterator[Server]:
    port = free_port()
    var_dir = out / "raw" / f"{name}-var"
    env = {
        **os.environ,
        "DATABASE_URL": database.render_as_string(hide_password=False),
        "REDIS_URL": redis_url,
        "REDIS_NAMESPACE": namespace,
        "SECRET_KEY": SECRET,
        "METRICS_TOKEN": METRICS_TOKEN,  # /metrics is not public: the bench reads it as monitoring would
        "RATE_LIMIT_PER_MINUTE": str(10**9),  # the limiter runs as in production, but never refuses the load
        "LOG_LEVEL": "WARNING",
        "TASKREWARD_VAR_DIR": str(var_dir),
    }
    command = [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port), "--workers", str(workers)]
    log = out / "raw" / f"{name}.log"
    with log.open("w") as sink:
        process = subprocess.Popen(  # noqa: S603
            command, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_us
        )
    server = Server(process.pid, f"http://127.0.0.1:{port}", log)
    try:
        _wait_ready(process, server)
        yield server
    finally:
        _stop(process)


def _die_with_us() -> None:
    """Even if the bench is killed outright (SIGKILL), the kernel then sends its server SIGTERM."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 is PR_SET_PDEATHSIG


def _wait_ready(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"`taskreward serve` exited with {process.returncode}; see {server.log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.base}/health/ready", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"`taskreward serve` was not ready within 60 s; see {server.log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group (its uvicorn workers too), then SIGKILL if it lingers."""
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace)
            return
