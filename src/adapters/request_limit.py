"""The API-wide request limit per client and minute, shared by every process at about one Redis call in `lease`.

A process takes a lease of several requests at once (`INCRBY`) and spends it locally, so no client is ever
let through more often than the limit across all processes; a lease a process does not spend is lost for
the window, which can refuse a client slightly before the limit, never after. If Redis fails, the process
counts on its own until it answers again: the outage is logged once and each fallback counted, with every
other use of Redis (`Outage`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.redis_outage import Outage

WINDOW_SECONDS = 60
MAX_LEASE = 32
MAX_CLIENTS = 100_000
REFUSED = -1
COMPONENT = "rate_limit"  # as the outage metric names it


class MemoryRequestLimit:
    """One process: exact counts."""

    def __init__(self, per_minute: int, *, now: Callable[[], float] = time.time) -> None:
        self.per_minute = per_minute
        self._now = now
        self._counts: dict[str, tuple[int, int]] = {}  # client -> (window, requests)

    def window(self) -> tuple[int, int]:
        """The current window's number, and the seconds until it ends."""
        now = self._now()
        return int(now // WINDOW_SECONDS), WINDOW_SECONDS - int(now % WINDOW_SECONDS)

    async def allow(self, client: str) -> bool:
        window, _ = self.window()
        seen_window, count = self._counts.get(client, (window, 0))
        count = count if seen_window == window else 0
        if count >= self.per_minute:
            return False
        if len(self._counts) >= MAX_CLIENTS:
            self._counts.clear()
        self._counts[client] = (window, count + 1)
        return True


class RedisRequestLimit(MemoryRequestLimit):
    def __init__(
        self,
        redis: Redis,
        per_minute: int,
        *,
        prefix: str,
        now: Callable[[], float] = time.time,
        outage: Outage | None = None,
    ) -> None:
        super().__init__(per_minute, now=now)
        self._redis = redis
        self._prefix = prefix
        self._outage = outage or Outage()
        self._lease_size = max(1, min(MAX_LEASE, per_minute // 64))
        self._leases: dict[str, tuple[int, int]] = {}  # client -> (window, requests still leased)
        self._leasing = asyncio.Lock()

    async def allow(self, client: str) -> bool:
        if self._spend(client):
            return True
        if self._leases.get(client) == (self.window()[0], REFUSED):
            return False  # the window's count is past the limit, and counts never go down within a window
        if self._outage.skipping(COMPONENT):
            return await super().allow(client)
        # One lease at a time: the requests that found the lease spent wait for the next one, not each its own.
        async with self._leasing:
            if self._spend(client):
                return True
            window, _ = self.window()
            try:
                granted = await self._lease(client, window)
            except RedisError as exc:
                self._outage.failed(COMPONENT, exc)
                return await super().allow(client)
            self._outage.succeeded()
            if len(self._leases) >= MAX_CLIENTS:
                self._leases.clear()
            self._leases[client] = (window, granted - 1 if granted else REFUSED)
            return granted > 0

    def _spend(self, client: str) -> bool:
        window, _ = self.window()
        leased_window, left = self._leases.get(client, (window, 0))
        if leased_window == window and left > 0:
            self._leases[client] = (window, left - 1)
            return True
        return False

    async def _lease(self, client: str, window: int) -> int:
        name = f"{self._prefix}{client}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incrby(name, self._lease_size)
            pipe.expire(name, WINDOW_SECONDS + 1)
            total, _ = await pipe.execute()
        over = max(0, int(total) - self.per_minute)
        return max(0, self._lease_size - over)
