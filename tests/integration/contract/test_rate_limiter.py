"""The rate limiter's contract, held by the fake, the in-memory limiter and Redis: the clock decides."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from adapters.ratelimit import MemoryRateLimiter, RedisRateLimiter
from application.ports.security import RateLimiter
from tests.conftest import TEST_REDIS_URL
from tests.fakes.services import FakeClock, FakeRateLimiter


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2030, 3, 17, 12, 0, 10, tzinfo=UTC))  # 10 s into a minute


@pytest.fixture(params=["fake", "memory", "redis"])
async def limiter(request: pytest.FixtureRequest, clock: FakeClock) -> AsyncIterator[RateLimiter]:
    if request.param == "fake":
        yield FakeRateLimiter(clock)
    elif request.param == "memory":
        yield MemoryRateLimiter(clock)
    else:
        request.getfixturevalue("redis_url")
        redis = Redis.from_url(TEST_REDIS_URL)
        prefix = f"taskreward-test-{uuid.uuid4().hex[:12]}:"
        yield RedisRateLimiter(redis, clock, prefix=prefix)
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*", count=1000)]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


async def test_hits_count_within_the_clocks_window_and_a_new_window_starts_afresh(
    limiter: RateLimiter, clock: FakeClock
) -> None:
    assert [await limiter.hit("k", 60) for _ in range(3)] == [1, 2, 3]
    assert (await limiter.count("k", 60), await limiter.count("other", 60)) == (3, 0)
    await limiter.give_back("k", 60)
    assert await limiter.count("k", 60) == 2
    clock.advance(timedelta(seconds=49))  # 59 s into the minute: the same window
    assert await limiter.hit("k", 60) == 3
    clock.advance(timedelta(seconds=1))
    assert (await limiter.count("k", 60), await limiter.hit("k", 60)) == (0, 1)
    await limiter.reset("k", 60)
    await limiter.give_back("k", 60)  # never below zero
    assert await limiter.count("k", 60) == 0


async def test_a_cooldown_lasts_exactly_its_seconds_on_the_clock(limiter: RateLimiter, clock: FakeClock) -> None:
    assert await limiter.cooldown("c", 60) is True
    assert await limiter.cooldown("c", 60) is False
    assert await limiter.cooldown("d", 60) is True
    clock.advance(timedelta(seconds=59))
    assert await limiter.cooldown("c", 60) is False
    clock.advance(timedelta(seconds=1))
    assert await limiter.cooldown("c", 60) is True
