"""The schedule in local time (Asia/Kolkata, UTC+05:30), and two schedulers sharing one Redis dedupe guard."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from adapters.jobs.dramatiq_broker import create_broker
from adapters.jobs.dramatiq_queue import DramatiqJobQueue
from adapters.schedule_lock import RedisScheduleLock
from application.ports.messaging import QueueUnavailable
from application.schedule import Run, runs_between, zones_at_midnight
from entrypoints.scheduler import DEDUPE_SECONDS, enqueue_due, run_scheduler
from tests.fakes.services import FakeClock
from tests.integration.conftest import free_port

ZONE = "Asia/Kolkata"
MINUTE_JOBS = ("expire_claims", "auto_approve", "sweep_outbox")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def daily(runs: list[Run]) -> list[tuple[str, str, dict[str, str]]]:
    return sorted((r.job, r.slot, r.arguments) for r in runs if r.job in ("mark_overdue", "daily_digest"))


def test_mark_overdue_runs_at_one_in_the_morning_local_time_with_the_local_date() -> None:
    # 01:00 in Kolkata on 10 March is 19:30 UTC on 9 March.
    runs = runs_between(utc("2026-03-09 19:29:30"), utc("2026-03-09 19:30:30"), ZONE)
    assert [run for run in daily(runs) if run[0] == "mark_overdue"] == [
        ("mark_overdue", "2026-03-10", {"today": "2026-03-10"})
    ]
    assert daily(runs_between(utc("2026-03-09 19:30:00"), utc("2026-03-09 19:35:00"), ZONE)) == []
    assert daily(runs_between(utc("2026-03-10 00:59:00"), utc("2026-03-10 01:01:00"), ZONE)) == [
        ("daily_digest", "2026-03-10T01:00+00:00", {"at": "2026-03-10T01:00+00:00"})
    ]


def test_the_digest_runs_every_quarter_hour_told_its_instant() -> None:
    # Each run sends the digest of the zones at local midnight then (18:30 UTC is midnight in Kolkata).
    runs = runs_between(utc("2026-03-09 18:29:00"), utc("2026-03-09 18:31:00"), ZONE)
    at = "2026-03-09T18:30+00:00"
    assert daily(runs) == [("daily_digest", at, {"at": at})]
    assert daily(runs_between(utc("2026-03-09 18:31:00"), utc("2026-03-09 18:44:00"), ZONE)) == []


def test_the_zones_at_midnight_are_those_in_their_first_quarter_hour() -> None:
    zones = ["Asia/Kolkata", "Europe/Paris", "UTC", "America/St_Johns", "Asia/Kathmandu"]
    assert zones_at_midnight(zones, utc("2026-03-09 18:30:00")) == ["Asia/Kolkata"]
    assert zones_at_midnight(zones, utc("2026-03-09 23:00:00")) == ["Europe/Paris"]
    assert zones_at_midnight(zones, utc("2026-03-10 00:00:00")) == ["UTC"]
    assert zones_at_midnight(zones, utc("2026-03-09 18:15:00")) == ["Asia/Kathmandu"]  # UTC+05:45
    assert zones_at_midnight(zones, utc("2026-03-10 02:30:00")) == ["America/St_Johns"]  # UTC-02:30 in summer
    assert zones_at_midnight(zones, utc("2026-03-10 12:00:00")) == []


def test_minute_jobs_run_each_minute_and_purge_each_hour() -> None:
    runs = runs_between(utc("2026-03-09 10:00:00"), utc("2026-03-09 10:03:00"), ZONE)
    counts = Counter(r.job for r in runs)
    assert counts == {"expire_claims": 3, "auto_approve": 3, "sweep_outbox": 3}
    slots = sorted(r.slot for r in runs if r.job == "expire_claims")
    assert slots == ["2026-03-09T10:01+00:00", "2026-03-09T10:02+00:00", "2026-03-09T10:03+00:00"]
    assert all(r.arguments == {} for r in runs)
    hours = runs_between(utc("2026-03-09 10:00:00"), utc("2026-03-09 13:00:00"), ZONE)
    assert sorted(r.slot for r in hours if r.job == "purge") == [
        "2026-03-09T11:00+00:00",
        "2026-03-09T12:00+00:00",
        "2026-03-09T13:00+00:00",
    ]


def test_the_ledger_is_checked_daily_at_two_in_the_morning_local_time() -> None:
    runs = runs_between(utc("2026-03-09 20:29:00"), utc("2026-03-09 20:31:00"), ZONE)  # 02:00 in Kolkata
    assert [(r.job, r.slot) for r in runs if r.job == "check_ledger"] == [("check_ledger", "2026-03-10")]


def test_a_whole_day_in_uneven_windows_has_each_run_exactly_once() -> None:
    start = utc("2026-03-09 12:07:13.25")
    whole = runs_between(start, start + timedelta(days=1), ZONE)
    counts = Counter(r.job for r in whole)
    expected = {"mark_overdue": 1, "daily_digest": 96, "check_ledger": 1, "purge": 24}
    assert counts == {**expected, **dict.fromkeys(MINUTE_JOBS, 1440)}
    assert [run for run in daily(whole) if run[0] == "mark_overdue"] == [
        ("mark_overdue", "2026-03-10", {"today": "2026-03-10"}),
    ]
    pieces: list[Run] = []
    edges = [start]
    while edges[-1] < start + timedelta(days=1):
        edges.append(min(edges[-1] + timedelta(seconds=37.5 + 41 * (len(edges) % 5)), start + timedelta(days=1)))
    for left, right in itertools.pairwise(edges):
        pieces += runs_between(left, right, ZONE)
    assert sorted(r.dedupe_key for r in pieces) == sorted(r.dedupe_key for r in whole)
    assert len({r.dedupe_key for r in whole}) == len(whole)


class RecordingQueue:
    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict[str, str]]] = []

    async def enqueue(self, job: str, **arguments: str) -> None:
        await asyncio.sleep(0)  # let the other scheduler interleave
        self.jobs.append((job, arguments))


@pytest.mark.redis
async def test_two_schedulers_enqueue_each_run_once_in_total(redis_url: str) -> None:
    prefix = f"taskreward-test-{uuid.uuid4().hex[:12]}:"
    clients = [Redis.from_url(redis_url) for _ in range(2)]
    try:
        guards = [RedisScheduleLock(client, prefix=prefix) for client in clients]
        start = utc("2026-03-09 18:00:00")  # 23:30 in Kolkata: the window spans local midnight and 01:00
        end = start + timedelta(hours=2)
        expected = runs_between(start, end, ZONE)
        queues = [RecordingQueue() for _ in range(4)]
        # Two processes (one guard each) and two schedulers sharing the very same guard object.
        keys = await asyncio.gather(
            enqueue_due(start, end, ZONE, queues[0], guards[0]),
            enqueue_due(start, end, ZONE, queues[1], guards[1]),
            enqueue_due(start, end, ZONE, queues[2], guards[0]),
            enqueue_due(start, end, ZONE, queues[3], guards[0]),
        )
        all_keys = [key for found in keys for key in found]
        assert sorted(all_keys) == sorted(r.dedupe_key for r in expected)
        enqueued = sorted((job, sorted(args.items())) for q in queues for job, args in q.jobs)
        assert enqueued == sorted((r.job, sorted(r.arguments.items())) for r in expected)
        assert ("daily_digest", [("at", "2026-03-09T18:30+00:00")]) in enqueued
        assert ("mark_overdue", [("today", "2026-03-10")]) in enqueued
        assert sum(1 for q in queues if q.jobs) >= 2, "the schedulers did not overlap"

        # A restart looking back 15 minutes before the window enqueues only what came before it.
        late = RecordingQueue()
        earlier = runs_between(start - timedelta(minutes=15), start, ZONE)
        assert await enqueue_due(start - timedelta(minutes=15), end, ZONE, late, guards[1]) == [
            r.dedupe_key for r in earlier
        ]
        assert len(late.jobs) == len(earlier) == 15 * 3 + 2
        ttl = await clients[0].ttl(prefix + expected[0].dedupe_key)
        assert DEDUPE_SECONDS - 60 < ttl <= DEDUPE_SECONDS
    finally:
        for client in clients:
            keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=1000)]
            if keys:
                await client.delete(*keys)
            await client.aclose()


@pytest.mark.redis
async def test_a_run_the_queue_refused_is_enqueued_on_the_next_tick(redis_url: str) -> None:
    prefix = f"taskreward-test-{uuid.uuid4().hex[:12]}:"
    client = Redis.from_url(redis_url)
    dead = create_broker(f"redis://127.0.0.1:{free_port()}/0", namespace=prefix, connect_timeout=1)
    try:
        guard = RedisScheduleLock(client, prefix=prefix)
        start, end = utc("2026-03-09 19:29:00"), utc("2026-03-09 19:31:00")  # 01:00 in Kolkata is inside
        with pytest.raises(QueueUnavailable):
            await enqueue_due(start, end, ZONE, DramatiqJobQueue(dead), guard)
        queue = RecordingQueue()
        keys = await enqueue_due(start, end, ZONE, queue, guard)
        assert sorted(keys) == sorted(r.dedupe_key for r in runs_between(start, end, ZONE))
        assert ("mark_overdue", {"today": "2026-03-10"}) in queue.jobs
    finally:
        dead.close()
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()


class Reconnecting:
    """The scheduler's lock: one on a Redis that is down, until `back()` swaps in one that is up."""

    def __init__(self, down: RedisScheduleLock, up: RedisScheduleLock) -> None:
        self.lock, self.up = down, up

    def back(self) -> None:
        self.lock = self.up

    async def claim(self, key: str, seconds: int) -> bool:
        return await self.lock.claim(key, seconds)

    async def release(self, key: str) -> None:
        await self.lock.release(key)


@pytest.mark.redis
async def test_a_daily_run_missed_while_redis_was_down_runs_when_it_is_back(redis_url: str) -> None:
    prefix = f"taskreward-test-{uuid.uuid4().hex[:12]}:"
    down = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    up = Redis.from_url(redis_url)
    guard = Reconnecting(RedisScheduleLock(down, prefix=prefix), RedisScheduleLock(up, prefix=prefix))
    clock, queue, stop = FakeClock(utc("2026-03-09 19:30:30")), RecordingQueue(), asyncio.Event()
    scheduler = asyncio.create_task(run_scheduler(queue, guard, clock, ZONE, tick_seconds=0.05, stop=stop))  # type: ignore[arg-type]
    try:
        await asyncio.sleep(0.5)  # ticks over 01:00 in Kolkata fail: Redis is down
        assert queue.jobs == []
        guard.back()
        clock.advance(timedelta(seconds=10))
        async with asyncio.timeout(10):
            while ("mark_overdue", {"today": "2026-03-10"}) not in queue.jobs:
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await scheduler
        keys = [key async for key in up.scan_iter(match=f"{prefix}*", count=1000)]
        if keys:
            await up.delete(*keys)
        await down.aclose()
        await up.aclose()
