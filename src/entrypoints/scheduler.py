"""The scheduler only enqueues: each due run once, even with several schedulers (a shared lock per run)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from redis.exceptions import RedisError

from application.ports.clock import Clock
from application.ports.locks import ScheduleLock
from application.ports.messaging import JobQueue, QueueUnavailable
from application.schedule import latest_of_each, runs_between

log = logging.getLogger(__name__)
DEDUPE_SECONDS = 3 * 24 * 3600
# On start, look back far enough to catch a daily run missed by a restart around its time.
LOOK_BACK = timedelta(minutes=15)


async def enqueue_due(
    start: datetime, end: datetime, time_zone: str, queue: JobQueue, lock: ScheduleLock, *, catch_up: bool = False
) -> list[str]:
    """Enqueues the runs in (start, end] that no other scheduler has claimed; returns their keys. Catching up
    (the first tick after a start), only the latest run of each job: one run does what the missed ones would."""
    runs = runs_between(start, end, time_zone)
    enqueued = []
    for run in latest_of_each(runs) if catch_up else runs:
        if await lock.claim(run.dedupe_key, DEDUPE_SECONDS):
            try:
                await queue.enqueue(run.job, **run.arguments)
            except QueueUnavailable:
                # Unclaimed again, or the retry on the next tick would find it taken and the run be lost.
                await lock.release(run.dedupe_key)
                raise
            enqueued.append(run.dedupe_key)
    return enqueued


async def run_scheduler(
    queue: JobQueue,
    lock: ScheduleLock,
    clock: Clock,
    time_zone: str,
    *,
    tick_seconds: float = 5.0,
    stop: asyncio.Event | None = None,
) -> None:
    stop = stop or asyncio.Event()
    last, catching_up = clock.now() - LOOK_BACK, True
    log.info("scheduler started (time zone %s)", time_zone)
    while not stop.is_set():
        now = clock.now()
        try:
            for key in await enqueue_due(last, now, time_zone, queue, lock, catch_up=catching_up):
                log.info("enqueued %s", key)
            last, catching_up = now, False
        except (QueueUnavailable, RedisError):
            # The queue or the lock (Redis) is down: keep the window, or its runs would be lost.
            log.warning("job queue or schedule lock unavailable; will retry these runs on the next tick")
        except Exception:
            log.exception("scheduler tick failed")
            last = now
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), tick_seconds)
