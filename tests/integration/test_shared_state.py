"""What API processes share through Redis: the request limit's leases and the forgetting of signed-in users."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from adapters.request_limit import MemoryRequestLimit, RedisRequestLimit
from adapters.signed_in import LocalSignedInUsers, RedisSignedInUsers
from domain.users import Role, User

NOW = 1_900_000_000.0  # 20 s into a minute


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[tuple[Redis, str]]:
    client = Redis.from_url(redis_url)
    prefix = f"test-shared-{uuid.uuid4().hex[:8]}:"
    try:
        yield client, prefix
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


def user(**changes: object) -> User:
    ada = User(
        email="ada@example.com", full_name="Ada", role=Role.MEMBER, password_hash="!", created_at=datetime.now(UTC)
    )
    for name, value in changes.items():
        setattr(ada, name, value)
    return ada


@pytest.mark.parametrize("per_minute", [5, 640])
async def test_processes_never_let_a_client_past_the_limit_together(redis: tuple[Redis, str], per_minute: int) -> None:
    client, prefix = redis
    processes = [RedisRequestLimit(client, per_minute, prefix=prefix, now=lambda: NOW) for _ in range(3)]
    answers = await asyncio.gather(*(processes[n % 3].allow("10.0.0.1") for n in range(per_minute * 2)))
    allowed = sum(answers)
    lease = max(1, per_minute // 64)
    # Leases left unspent in the other processes may refuse a little early, never late.
    assert per_minute - 2 * lease <= allowed <= per_minute
    assert all(await asyncio.gather(*(p.allow("10.0.0.2") for p in processes)))  # another client is apart
    later = [RedisRequestLimit(client, per_minute, prefix=prefix, now=lambda: NOW + 60) for _ in range(2)]
    assert await later[0].allow("10.0.0.1")  # the next window starts afresh


async def test_without_redis_one_process_counts_exactly() -> None:
    limit = MemoryRequestLimit(3, now=lambda: NOW)
    assert [await limit.allow("a") for _ in range(4)] == [True, True, True, False]


async def test_a_forgotten_user_is_dropped_by_every_listening_process(redis: tuple[Redis, str]) -> None:
    client, prefix = redis
    here, there = (RedisSignedInUsers(client, channel=f"{prefix}signed-in") for _ in range(2))
    listening = asyncio.create_task(there.listen())
    try:
        for _ in range(200):
            if there.listening:
                break
            await asyncio.sleep(0.01)
        assert there.listening
        loads = 0
        ada = user()

        async def load() -> User:
            nonlocal loads
            loads += 1
            return ada

        await there.user(ada.id, load)
        await there.user(ada.id, load)
        assert loads == 1, "the second request is answered from the kept copy"
        ada = user(id=ada.id, is_active=False)
        await here.forget([ada.id])
        for _ in range(200):
            if (await there.user(ada.id, load)).is_active is False:
                break
            await asyncio.sleep(0.01)
        assert loads == 2
        assert (await there.user(ada.id, load)).is_active is False
    finally:
        listening.cancel()
        with pytest.raises(asyncio.CancelledError):
            await listening
    assert not there.listening


async def test_a_process_that_does_not_listen_keeps_nothing(redis: tuple[Redis, str]) -> None:
    client, prefix = redis
    deaf = RedisSignedInUsers(client, channel=f"{prefix}signed-in")
    loads = 0

    async def load() -> User:
        nonlocal loads
        loads += 1
        return user()

    ada_id = uuid.uuid4()
    await deaf.user(ada_id, load)
    await deaf.user(ada_id, load)
    assert loads == 2


async def test_a_load_that_raced_a_forget_is_not_kept() -> None:
    kept = LocalSignedInUsers()
    ada = user()
    first = True

    async def load() -> User:
        nonlocal first
        if first:
            first = False
            await kept.forget([ada.id])  # the user changes while their old row is on its way
        return ada

    await kept.user(ada.id, load)
    assert first is False
    calls = 0

    async def count() -> User:
        nonlocal calls
        calls += 1
        return ada

    await kept.user(ada.id, count)
    assert calls == 1, "the raced copy was not kept"
    copy = await kept.user(ada.id, count)
    copy.role = Role.ADMIN
    assert (await kept.user(ada.id, count)).role is Role.MEMBER, "each caller gets a copy of its own"
