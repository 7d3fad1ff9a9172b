"""Fixed-window counters: Redis when several processes share them, memory for the embedded default.

Both read the time from the Clock port, so a window is the clock's window, and tests move a fake clock
instead of waiting for one to pass.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.redis_outage import Outage
from application.ports.clock import Clock


def _window_key(key: str, window_seconds: int, now: float) -> str:
    return f"{key}:{window_seconds}:{int(now // window_seconds)}"


_DECREMENT_IF_POSITIVE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""
# A cooldown holds the instant it ends, so the clock decides when it is over; the key's TTL only tidies up.
_START_COOLDOWN = """
local ends = redis.call('GET', KEYS[1])
if ends and tonumber(ends) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""


class RedisRateLimiter:
    def __init__(self, redis: Redis, clock: Clock, *, prefix: str = "taskreward:") -> None:
        self._redis = redis
        self._clock = clock
        self._prefix = prefix

    def _name(self, key: str, window_seconds: int) -> str:
        return self._prefix + _window_key(key, window_seconds, self._clock.now().timestamp())

    async def hit(self, key: str, window_seconds: int) -> int:
        name = self._name(key, window_seconds)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window_seconds + 1)
            count, _ = await pipe.execute()
        return int(count)

    async def count(self, key: str, window_seconds: int) -> int:
        return int(await self._redis.get(self._name(key, window_seconds)) or 0)

    async def give_back(self, key: str, window_seconds: int) -> None:
        await self._redis.eval(_DECREMENT_IF_POSITIVE, 1, self._name(key, window_seconds))

    async def reset(self, key: str, window_seconds: int) -> None:
        await self._redis.delete(self._name(key, window_seconds))

    async def cooldown(self, key: str, seconds: int) -> bool:
        now = self._clock.now().timestamp()
        started = await self._redis.eval(_START_COOLDOWN, 1, self._prefix + key, now, now + seconds, seconds + 1)
        return bool(started)


class MemoryRateLimiter:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._counts: dict[str, tuple[float, int]] = {}

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _expire(self) -> None:
        now = self._now()
        for name in [name for name, (until, _) in self._counts.items() if until <= now]:
            del self._counts[name]

    async def hit(self, key: str, window_seconds: int) -> int:
        self._expire()
        now = self._now()
        name = _window_key(key, window_seconds, now)
        _, count = self._counts.get(name, (0.0, 0))
        self._counts[name] = ((now // window_seconds + 1) * window_seconds, count + 1)
        return count + 1

    async def count(self, key: str, window_seconds: int) -> int:
        self._expire()
        return self._counts.get(_window_key(key, window_seconds, self._now()), (0.0, 0))[1]

    async def give_back(self, key: str, window_seconds: int) -> None:
        name = _window_key(key, window_seconds, self._now())
        if name in self._counts and self._counts[name][1] > 0:
            until, count = self._counts[name]
            self._counts[name] = (until, count - 1)

    async def reset(self, key: str, window_seconds: int) -> None:
        self._counts.pop(_window_key(key, window_seconds, self._now()), None)

    async def cooldown(self, key: str, seconds: int) -> bool:
        self._expire()
        if key in self._counts:
            return False
        self._counts[key] = (self._now() + seconds, 1)
        return True


class FallbackRateLimiter:
    """Redis's shared counters while Redis answers; during an outage, this process's own memory (each process
    then limits on its own, which keeps the limits, loosened by the number of processes, and the service up)."""

    def __init__(self, primary: RedisRateLimiter, fallback: MemoryRateLimiter, outage: Outage) -> None:
        self._primary = primary
        self._fallback = fallback
        self._outage = outage

    async def _call(self, method: str, *args: Any) -> Any:
        if not self._outage.skipping("rate_limit"):
            try:
                result = await getattr(self._primary, method)(*args)
            except RedisError as exc:
                self._outage.failed("rate_limit", exc)
            else:
                self._outage.succeeded()
                return result
        return await getattr(self._fallback, method)(*args)

    async def hit(self, key: str, window_seconds: int) -> int:
        return int(await self._call("hit", key, window_seconds))

    async def count(self, key: str, window_seconds: int) -> int:
        return int(await self._call("count", key, window_seconds))

    async def give_back(self, key: str, window_seconds: int) -> None:
        await self._call("give_back", key, window_seconds)

    async def reset(self, key: str, window_seconds: int) -> None:
        await self._call("reset", key, window_seconds)

    async def cooldown(self, key: str, seconds: int) -> bool:
        return bool(await self._call("cooldown", key, seconds))
