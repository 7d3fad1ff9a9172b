"""The module `dramatiq` loads in each worker process: settings from the environment, broker, actors."""

from __future__ import annotations

import os
import signal
import time
from types import FrameType

import dramatiq

from adapters.jobs.dramatiq_broker import create_broker
from entrypoints.logs import configure_logging
from entrypoints.settings import Settings
from entrypoints.worker import WorkerRuntime, declare_actors

# A repeated SIGTERM within this long is the same request to stop, delivered twice (see below).
REPEAT_WINDOW_SECONDS = 5.0
KILLED = 3  # Dramatiq's exit status for a worker process killed by a second signal


def stop_once_on_group_sigterm() -> None:
    """systemd, and `kill -TERM -<pgid>`, signal the whole process group: each worker process gets SIGTERM from
    there and again from Dramatiq's main process, which forwards it. Dramatiq takes the second as "kill now" and
    raises SystemExit in the main thread, which leaves the worker threads and the event loop thread running:
    the process never exits and fails every job it takes with "cannot schedule new futures after shutdown".

    Here a repeat within a few seconds is ignored, so the worker stops gracefully (in-flight messages finish
    within the shutdown timeout, the ones not started go back to the queue); a later one exits at once (the
    unfinished messages are redelivered by the broker, and every job is idempotent)."""
    stopping = signal.getsignal(signal.SIGTERM)
    if not callable(stopping) or "worker_process" not in getattr(stopping, "__qualname__", ""):
        return  # not in a Dramatiq worker process (a test, a shell)
    # Dramatiq's handler keeps whether it was asked to stop in its closure; the first signal may have come while
    # this module was still being imported, before this handler was in place.
    cells = dict(zip(stopping.__code__.co_freevars, stopping.__closure__ or (), strict=False))
    running = cells.get("running")
    first: float | None = None

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        nonlocal first
        now = time.monotonic()
        if first is None:
            first = now
            if running is None or running.cell_contents:
                stopping(signum, frame)
        elif now - first > REPEAT_WINDOW_SECONDS:
            os._exit(KILLED)

    signal.signal(signal.SIGTERM, on_sigterm)


stop_once_on_group_sigterm()
settings = Settings.from_env()
configure_logging(settings)
if not settings.redis_url:
    raise SystemExit("taskreward worker needs REDIS_URL (the embedded default runs jobs inside `serve`)")
broker = create_broker(settings.redis_url, namespace=settings.redis_namespace)
dramatiq.set_broker(broker)
actors = declare_actors(broker, WorkerRuntime(settings, broker))
