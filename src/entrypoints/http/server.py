"""Runs the API under Granian: its workers share the listening socket in the kernel, so the connections of
a load spread over every process (uvicorn's workers often left one idle).

Without Redis it is one process (the cache, limits, signed-in users and schedule live in memory); with
Redis, one process per core by default. On SIGTERM or SIGINT the app ends its open streams at once
(`shutdown.py`) and finishes the requests in flight; a worker still busy GRACE_SECONDS later is killed.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import shutil
import tempfile

from granian.constants import Interfaces, Loops
from granian.log import LogLevels
from granian.server import Server

from entrypoints.settings import Settings

GRACE_SECONDS = 5
METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def default_workers(settings: Settings) -> int:
    return max(1, len(os.sched_getaffinity(0))) if settings.redis_url else 1


def serve(settings: Settings, host: str, port: int, workers: int | None) -> None:
    count = workers if workers and workers > 0 else default_workers(settings)
    if count > 1 and not settings.redis_url:
        # Without Redis each process would keep its own cache, limits and signed-in users.
        raise SystemExit("Several API processes share their state through Redis: set REDIS_URL, or run one.")
    own_metrics_dir = _serve_metrics_apart(settings)
    try:
        Server(
            "entrypoints.http.asgi:make_app",
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            factory=True,
            workers=count,
            loop=Loops.uvloop if importlib.util.find_spec("uvloop") else Loops.asyncio,
            log_level=LogLevels(settings.log_level.lower()),
            log_access=False,  # requests are logged by the app, redacted
            respawn_failed_workers=True,
            workers_kill_timeout=GRACE_SECONDS,
        ).serve()
    finally:
        if own_metrics_dir is not None:
            shutil.rmtree(own_metrics_dir, ignore_errors=True)


def _serve_metrics_apart(settings: Settings) -> str | None:
    """METRICS_BIND: a metrics server in this (supervising) process. The workers are processes apart, so their
    counters reach it through Prometheus' multiprocess files: a directory of our own unless one is set, and
    workers started afresh (spawned), so they write there. Answers the directory made here, if any."""
    if not settings.metrics_bind:
        return None
    made = None
    if not os.environ.get(METRICS_DIR):
        made = os.environ[METRICS_DIR] = tempfile.mkdtemp(prefix="taskreward-metrics-")
    multiprocessing.set_start_method("spawn", force=True)

    from entrypoints.http.metrics import serve_metrics_apart

    serve_metrics_apart(settings.metrics_bind)
    print(f"metrics at http://{settings.metrics_bind}/metrics", flush=True)
    return made
