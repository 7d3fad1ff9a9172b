"""Runs each job in this process as a background task: the embedded default, no broker needed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[object]]


class InlineJobQueue:
    def __init__(self, handlers: Mapping[str, Handler], *, attempts: int = 3, backoff_seconds: float = 1.0) -> None:
        self._handlers = dict(handlers)
        self._attempts = attempts
        self._backoff = backoff_seconds
        self._running: set[asyncio.Task[None]] = set()

    def register(self, job: str, handler: Handler) -> None:
        self._handlers[job] = handler

    async def enqueue(self, job: str, **arguments: str) -> None:
        if job not in self._handlers:
            raise LookupError(f"no handler for job {job!r}")
        task = asyncio.create_task(self._run(job, arguments), name=f"job:{job}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, job: str, arguments: dict[str, str]) -> None:
        for attempt in range(1, self._attempts + 1):
            try:
                await self._handlers[job](**arguments)
                return
            except Exception:
                log.exception("job %s failed (attempt %d of %d)", job, attempt, self._attempts)
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))

    async def drain(self) -> None:
        """Waits for every job started so far (and those they start): for shutdown and tests."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)
