"""What API processes share through Redis: the request limit's leases and the forgetting of signed-in users."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from adapters.redis_outage import Outage
from adapters.request_limit import MemoryRequestLimit, RedisRequestLimit
from adapters.signed_in import LocalSignedInUsers, RedisSignedInUsers
from domain.sign_ins import Client, SignIn, SignInKind
from domain.users import Role, User
from tests.integration.live import free_port

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


def signed_in(ada: User, sign_in: SignIn | None = None) -> tuple[User, SignIn]:
    return ada, sign_in or SignIn.start(ada.id, SignInKind.API, Client(), datetime.now(UTC))


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
        phone, laptop = signed_in(ada)[1], signed_in(ada)[1]

        async def load() -> tuple[User, SignIn]:
            nonlocal loads
            loads += 1
            return ada, phone

        async def active() -> bool:
            found = await there.signed_in(ada.id, phone.id, load)
            return found is not None and found[0].is_active

        await there.signed_in(ada.id, phone.id, load)
        await there.signed_in(ada.id, phone.id, load)
        assert loads == 1, "the second request is answered from the kept copy"
        await there.signed_in(ada.id, laptop.id, lambda: _found(ada, laptop))
        ada = user(id=ada.id, is_active=False)
        await here.forget([ada.id])
        for _ in range(200):
            if not await active():
                break
            await asyncio.sleep(0.01)
        assert loads == 2
        assert not await active()
        ended = await there.signed_in(ada.id, laptop.id, lambda: _found(None))
        assert ended is None, "forgetting a user drops every sign-in of theirs"
    finally:
        listening.cancel()
        with pytest.raises(asyncio.CancelledError):
            await listening
    assert not there.listening


async def test_a_process_that_does_not_listen_keeps_nothing(redis: tuple[Redis, str]) -> None:
    client, prefix = redis
    deaf = RedisSignedInUsers(client, channel=f"{prefix}signed-in")
    loads = 0
    ada, sign_in = signed_in(user())

    async def load() -> tuple[User, SignIn]:
        nonlocal loads
        loads += 1
        return ada, sign_in

    await deaf.signed_in(ada.id, sign_in.id, load)
    await deaf.signed_in(ada.id, sign_in.id, load)
    assert loads == 2


async def test_a_load_that_raced_a_forget_is_not_kept() -> None:
    kept = LocalSignedInUsers()
    ada, sign_in = signed_in(user())
    first = True

    async def load() -> tuple[User, SignIn]:
        nonlocal first
        if first:
            first = False
            await kept.forget([ada.id])  # the user changes while their old row is on its way
        return ada, sign_in

    await kept.signed_in(ada.id, sign_in.id, load)
    assert first is False
    calls = 0

    async def count() -> tuple[User, SignIn]:
        nonlocal calls
        calls += 1
        return ada, sign_in

    await kept.signed_in(ada.id, sign_in.id, count)
    assert calls == 1, "the raced copy was not kept"
    copy = await kept.signed_in(ada.id, sign_in.id, count)
    assert copy is not None
    copy[0].role = Role.ADMIN
    copy[1].ended_at = datetime.now(UTC)
    again = await kept.signed_in(ada.id, sign_in.id, count)
    assert again is not None
    assert (again[0].role, again[1].is_live) == (Role.MEMBER, True), "each caller gets a copy of its own"


async def test_a_sign_in_used_is_noted_on_the_kept_copy() -> None:
    kept = LocalSignedInUsers()
    ada, sign_in = signed_in(user())
    await kept.signed_in(ada.id, sign_in.id, lambda: _found(ada, sign_in))
    later = sign_in.last_used_at + timedelta(minutes=6)
    kept.used(ada.id, sign_in.id, later)
    found = await kept.signed_in(ada.id, sign_in.id, lambda: _found(None))
    assert found is not None
    assert found[1].last_used_at == later, "the next request does not write the last use again"


async def _found(ada: User | None, sign_in: SignIn | None = None) -> tuple[User, SignIn] | None:
    return None if ada is None or sign_in is None else (ada, sign_in)


async def test_without_redis_the_request_limit_counts_in_memory_and_the_outage_is_noted() -> None:
    outage = Outage(now=lambda: NOW)
    unreachable = Redis.from_url(f"redis://127.0.0.1:{free_port()}", socket_connect_timeout=1)
    try:
        limit = RedisRequestLimit(unreachable, 3, prefix="nowhere:", now=lambda: NOW, outage=outage)
        assert [await limit.allow("a") for _ in range(4)] == [True, True, True, False]
        assert outage.down, "the first failure is noted (and logged once); the others skip Redis at once"
    finally:
        await unreachable.aclose()
