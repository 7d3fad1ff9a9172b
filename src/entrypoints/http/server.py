"""Runs the API under Granian: its workers share the listening socket in the kernel, so the connections of
a load spread over every process (uvicorn's workers often left one idle).

Without Redis it is one process (the cache, limits, signed-in users and schedule live in memory); with
Redis, one process per core by default.
"""

from __future__ import annotations

import importlib.util
import os

from granian.constants import Interfaces, Loops
from granian.log import LogLevels
from granian.server import Server

from entrypoints.settings import Settings


def default_workers(settings: Settings) -> int:
    return max(1, len(os.sched_getaffinity(0))) if settings.redis_url else 1


def serve(settings: Settings, host: str, port: int, workers: int | None) -> None:
    count = workers if workers and workers > 0 else default_workers(settings)
    if count > 1 and not settings.redis_url:
        # Without Redis each process would keep its own cache, limits and signed-in users.
        raise SystemExit("Several API processes share their state through Redis: set REDIS_URL, or run one.")
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
    ).serve()
