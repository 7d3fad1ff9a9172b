"""The scheduler only enqueues: each due run once, even with several schedulers (a Redis dedupe key)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from redis.exceptions import RedisError

from application.ports import Clock, JobQueue, QueueUnavailable, RateLimiter
from application.schedule import runs_between

log = logging.getLogger(__name__)
DEDUPE_SECONDS = 3 * 24 * 3600
# On start, look back far enough to catch a daily run missed by a restart around its time.
LOOK_BACK = timedelta(minutes=15)


async def enqueue_due(start: datetime, end: datetime, time_zone: str, queue: JobQueue, guard: RateLimiter) -> list[str]:
    """Enqueues the runs in (start, end] that no other scheduler has claimed; returns their keys."""
    enqueued = []
    for run in runs_between(start, end, time_zone):
        if await guard.cooldown(run.dedupe_key, DEDUPE_SECONDS):
            try:
                await queue.enqueue(run.job, **run.arguments)
            except QueueUnavailable:
                # Unclaimed again, or the retry on the next tick would find it taken and the run be lost.
                await guard.end_cooldown(run.dedupe_key)
                raise
            enqueued.append(run.dedupe_key)
    return enqueued


async def run_scheduler(
    queue: JobQueue,
    guard: RateLimiter,
    clock: Clock,
    time_zone: str,
    *,
    tick_seconds: float = 5.0,
    stop: asyncio.Event | None = None,
) -> None:
    stop = stop or asyncio.Event()
    last = clock.now() - LOOK_BACK
    log.info("scheduler started (time zone %s)", time_zone)
    while not stop.is_set():
        now = clock.now()
        try:
            for key in await enqueue_due(last, now, time_zone, queue, guard):
                log.info("enqueued %s", key)
            last = now
        except (QueueUnavailable, RedisError):
            # The queue or the dedupe guard (Redis) is down: keep the window, or its runs would be lost.
            log.warning("job queue or dedupe guard unavailable; will retry these runs on the next tick")
        except Exception:
            log.exception("scheduler tick failed")
            last = now
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), tick_seconds)
