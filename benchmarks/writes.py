"""Writes over the socket: the database work of one operation, claims on distinct tasks, one hot task."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from benchmarks.load import Traffic, percentile
from benchmarks.meter import settled_metrics
from benchmarks.services import Server


@dataclass(frozen=True)
class OpCost:
    name: str
    count: int
    statements: float
    transactions: float
    checkouts: float
    cache_misses: float


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def operation_costs(
    server: Server, steps: list[tuple[str, list[Callable[[httpx.Client], httpx.Response]]]]
) -> list[OpCost]:
    """Runs each named batch of requests one at a time and divides the counters' growth by the batch size."""
    costs = []
    with httpx.Client(base_url=server.base, timeout=60) as client:
        for name, calls in steps:
            before = settled_metrics(server)
            for call in calls:
                response = call(client)
                if not response.is_success:
                    raise SystemExit(f"{name}: {response.status_code} {response.text[:300]}")
            after = settled_metrics(server)

            grew = {key: (after.get(key, 0.0) - before.get(key, 0.0)) / len(calls) for key in after}
            costs.append(
                OpCost(
                    name,
                    len(calls),
                    grew.get("taskreward_db_statements", 0.0),
                    grew.get("taskreward_db_transactions", 0.0),
                    grew.get("taskreward_db_checkouts", 0.0),
                    grew.get("taskreward_cache_misses", 0.0),
                )
            )
    return costs


def claim_distinct(base: str, pairs: list[tuple[str, str]], connections: int) -> Traffic:
    """Each (token, slug) claims once, `connections` at a time."""
    return asyncio.run(_claims(base, pairs, connections))


async def _claims(base: str, pairs: list[tuple[str, str]], connections: int) -> Traffic:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    queue = iter(pairs)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def claimer() -> None:
            for token, slug in queue:
                sent = time.perf_counter()
                response = await client.post(f"/api/tasks/{slug}/claim/", headers=bearer(token))
                latencies.append((time.perf_counter() - sent) * 1000)
                statuses[response.status_code] += 1

        started = time.perf_counter()
        await asyncio.gather(*(claimer() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return Traffic(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=statistics.median(latencies),
        p99_ms=percentile(latencies, 0.99),
        non2xx=sum(n for status, n in statuses.items() if status != 201),
        socket_errors=0,
    )


@dataclass(frozen=True)
class HotResult:
    claimers: int
    seconds: float
    statuses: dict[int, int]
    p99_ms: float


def claim_hot(base: str, tokens: list[str], slug: str) -> HotResult:
    return asyncio.run(_hot(base, tokens, slug))


async def _hot(base: str, tokens: list[str], slug: str) -> HotResult:
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        latencies: list[float] = []

        async def claim(token: str) -> int:
            sent = time.perf_counter()
            response = await client.post(f"/api/tasks/{slug}/claim/", headers=bearer(token))
            latencies.append((time.perf_counter() - sent) * 1000)
            return response.status_code

        started = time.perf_counter()
        codes = await asyncio.gather(*(claim(t) for t in tokens))
        elapsed = time.perf_counter() - started
    return HotResult(len(tokens), elapsed, dict(Counter(codes)), percentile(latencies, 0.99))
