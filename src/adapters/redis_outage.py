"""Redis clients that survive a restart, and the outage they share: noticed once, counted, skipped for a moment.

Every adapter on Redis (rate limits, the list cache, the page stores) asks `Outage.skipping()` before a call and
reports failures to it, so during an outage each request falls back at once instead of waiting on a socket.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis
from prometheus_client import Counter, Gauge
from redis.asyncio import Redis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

log = logging.getLogger(__name__)
FALLBACKS = Counter(
    "taskreward_redis_fallbacks_total", "Calls that fell back because Redis was unavailable", ["component"]
)
REDIS_UP = Gauge("taskreward_redis_up", "1 while this process reaches Redis, 0 during an outage")
# A command on a connection that the server closed (it restarted) is tried again once on a new one, at once. A
# timeout is not retried: a Redis that does not answer would hold each request for several timeouts.
RETRIED_ERRORS = [RedisConnectionError, ConnectionResetError, BrokenPipeError]
RETRIES = 1
CLIENT_OPTIONS: dict[str, object] = {
    "socket_connect_timeout": 1.0,
    "socket_timeout": 2.0,
    "health_check_interval": 15,  # a connection idle this long is checked with PING before it is used
    "retry_on_error": RETRIED_ERRORS,
}


def async_client(url: str) -> Redis:
    retry = AsyncRetry(NoBackoff(), RETRIES, supported_errors=(RedisConnectionError,))
    return Redis.from_url(url, retry=retry, **CLIENT_OPTIONS)  # type: ignore[arg-type]


def sync_client(url: str, *, connect_timeout: float | None = None) -> redis.Redis:
    options = {**CLIENT_OPTIONS, "socket_connect_timeout": connect_timeout or CLIENT_OPTIONS["socket_connect_timeout"]}
    retry = Retry(NoBackoff(), RETRIES, supported_errors=(RedisConnectionError,))
    return redis.Redis.from_url(url, retry=retry, **options)


class Outage:
    """Whether Redis is down as this process sees it. The first failure of an outage is logged, each fallback
    counted; for `skip_seconds` after a failure callers go straight to their fallback, then Redis is tried again."""

    def __init__(self, *, skip_seconds: float = 2.0, now: Callable[[], float] = time.monotonic) -> None:
        self._skip = skip_seconds
        self._now = now
        self._until = 0.0
        self.down = False
        REDIS_UP.set(1)

    def skipping(self, component: str) -> bool:
        if self.down and self._now() < self._until:
            FALLBACKS.labels(component).inc()
            return True
        return False

    def failed(self, component: str, error: Exception) -> None:
        FALLBACKS.labels(component).inc()
        self._until = self._now() + self._skip
        if not self.down:
            self.down = True
            REDIS_UP.set(0)
            log.warning(
                "Redis unavailable (%s: %s): rate limits in this process's memory, list cache bypassed, "
                "jobs kept in the outbox until it is back",
                type(error).__name__,
                error,
                extra={"component": component},
            )

    def succeeded(self) -> None:
        if self.down:
            self.down = False
            REDIS_UP.set(1)
            log.warning("Redis is back")
