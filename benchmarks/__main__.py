"""Measures list latency at depth and claim throughput through the real HTTP app on PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from tests.integration.live import free_port

from adapters.db.migrate import upgrade
from adapters.db.tables import tasks, users
from adapters.security.tokens import JwtTokenCodec
from domain.ids import new_id
from domain.sessions import TokenClaims, TokenKind

TASKS = int(os.environ.get("BENCH_TASKS", "20000"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "200"))
ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def seed(url: str) -> tuple[uuid.UUID, list[uuid.UUID]]:
    engine = create_engine(url)
    now = datetime.now(UTC)
    admin_id = new_id()
    member_ids = [new_id() for _ in range(MEMBERS)]
    people = [(admin_id, "admin")] + [(m, "member") for m in member_ids]
    with engine.begin() as conn:
        conn.execute(
            insert(users),
            [
                dict(
                    id=i,
                    email=f"{r}{n}@bench.test",
                    full_name="Bench",
                    role=r,
                    password_hash="x",
                    totp_secret=None,
                    time_zone="UTC",
                    is_active=True,
                    session_version=0,
                    created_at=now,
                )
                for n, (i, r) in enumerate(people)
            ],
        )
        rows = [
            dict(
                id=new_id(),
                slug=f"bench-task-{n}",
                project_id=None,
                name=f"Bench task {n}",
                description="",
                points=5,
                claim_limit=3,
                slots_taken=0,
                due_date=None,
                claim_duration_seconds=None,
                auto_approve_after_seconds=None,
                is_open=True,
                approved_slots=0,
                image_path=None,
                thumbnail_path=None,
                created_by=admin_id,
                created_at=now,
                deleted_at=None,
            )
            for n in range(TASKS)
        ]
        for start in range(0, len(rows), 5000):
            conn.execute(insert(tasks), rows[start : start + 5000])
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return admin_id, member_ids


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)]


SECRET = "benchmark-secret-" + "x" * 32


@contextlib.contextmanager
def api_process(url: str) -> Iterator[str]:
    """`taskreward serve` in its own process, so the load below does not share its event loop."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "RATE_LIMIT_PER_MINUTE": "0",
        "DB_POOL_SIZE": "20",
        "LOG_LEVEL": "WARNING",
        "TASKREWARD_VAR_DIR": tempfile.mkdtemp(),
    }
    command = [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health/live").status_code == 200:
                    break
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(10)


async def run(base: str, member_ids: list[uuid.UUID]) -> None:
    codec = JwtTokenCodec(SECRET, issuer="taskreward", audience="taskreward-api")
    now = datetime.now(UTC)

    def bearer(user_id: uuid.UUID) -> dict[str, str]:
        claims = TokenClaims(TokenKind.ACCESS, user_id, new_id(), now, now + timedelta(hours=1))
        return {"Authorization": f"Bearer {codec.encode(claims)}"}

    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        headers = bearer(member_ids[0])
        for _ in range(20):
            await client.get("/api/tasks/?limit=20", headers=headers)
        first: list[float] = []
        for _ in range(200):
            started = time.perf_counter()
            response = await client.get("/api/tasks/?limit=20", headers=headers)
            first.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        cursor = None
        deep: list[float] = []
        pages = 0
        while pages < 300:
            params: dict[str, Any] = {"limit": 50, **({"cursor": cursor} if cursor else {})}
            started = time.perf_counter()
            response = await client.get("/api/tasks/", params=params, headers=headers)
            deep.append((time.perf_counter() - started) * 1000)
            cursor = response.json()["next_cursor"]
            pages += 1
            if cursor is None:
                break
        slugs = [t["slug"] for t in (await client.get("/api/tasks/?limit=100", headers=headers)).json()["items"]]
        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                client.post(f"/api/tasks/{slugs[i % len(slugs)]}/claim/", headers=bearer(m))
                for i, m in enumerate(member_ids)
            )
        )
        elapsed = time.perf_counter() - started
        won = sum(r.status_code == 201 for r in results)
        assert won == min(len(member_ids), 3 * len(slugs)), [r.status_code for r in results if r.status_code != 201][:5]
    print(f"tasks seeded: {TASKS}, members: {MEMBERS} (API in its own process, one uvicorn worker)")
    print(
        f"GET /api/tasks/?limit=20 (first page, cached): p50 {statistics.median(first):.1f} ms, "
        f"p95 {percentile(first, 0.95):.1f} ms"
    )
    print(
        f"GET /api/tasks/?limit=50 following cursors over {pages} pages: p50 {statistics.median(deep):.1f} ms, "
        f"p95 {percentile(deep, 0.95):.1f} ms, last page {deep[-1]:.1f} ms"
    )
    print(
        f"{len(member_ids)} concurrent claims over {len(slugs)} tasks: {won} won in {elapsed:.2f} s "
        f"({len(member_ids) / elapsed:.0f} claims/s)"
    )


def main() -> int:
    admin = make_url(ADMIN_URL).set(drivername="postgresql+psycopg")
    name = f"taskreward_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        _, member_ids = seed(url)
        with api_process(url) as base:
            asyncio.run(run(base, member_ids))
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
