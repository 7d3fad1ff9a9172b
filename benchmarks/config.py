"""What a bench run does, read from BENCH_* environment variables (each documented in the README)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw.replace("_", "")) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be an integer, not {raw!r}") from None


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        return float(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be a number, not {raw!r}") from None


def _seconds(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip().removesuffix("s")
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be a number of seconds, not {raw!r}") from None


@dataclass(frozen=True)
class BenchConfig:
    database_url: str  # a PostgreSQL server where scratch databases may be created and dropped
    redis_url: str  # "" runs the API without Redis (in-process cache and limits)
    tasks: int
    scale_tasks: int  # 0 (or not above `tasks`) skips the scale run
    members: int  # members whose tokens the read loads rotate through
    claimers: int  # members claiming one distinct task each
    hot_claimers: int
    hot_limit: int
    ops: int  # operations per statement count
    uploads: int
    workers: int
    duration: int
    warmup: int
    threads: int
    connections: int
    pgbench_scale: int
    pgbench_clients: int
    idle_max: float
    wait_budget: int
    load_client: str  # "wrk", or "httpx" when wrk is not installed
    out: Path
    only: tuple[str, ...] = ()  # BENCH_ONLY: the phases to run (yardsticks, reads, sql, claims, hot, images, scale)

    @classmethod
    def from_env(cls) -> BenchConfig:
        database_url = (
            os.environ.get("BENCH_DATABASE_URL")
            or os.environ.get("TEST_DATABASE_URL")
            or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
        client = os.environ.get("BENCH_CLIENT") or ("wrk" if shutil.which("wrk") else "httpx")
        if client not in ("wrk", "httpx"):
            raise SystemExit("BENCH_CLIENT must be wrk or httpx")
        config = cls(
            database_url=database_url,
            redis_url=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
            tasks=_int("BENCH_TASKS", 10_000),
            scale_tasks=_int("BENCH_SCALE_TASKS", 1_000_000),
            members=_int("BENCH_MEMBERS", 200),
            claimers=_int("BENCH_CLAIMERS", 500),
            hot_claimers=_int("BENCH_HOT_CLAIMERS", 200),
            hot_limit=_int("BENCH_HOT_LIMIT", 20),
            ops=_int("BENCH_OPS", 20),
            uploads=_int("BENCH_UPLOADS", 8),
            workers=_int("BENCH_WORKERS", 1),
            duration=_seconds("BENCH_DURATION", 15),
            warmup=_seconds("BENCH_WARMUP", 5),
            threads=_int("BENCH_THREADS", 2),
            connections=_int("BENCH_CONNECTIONS", 32),
            pgbench_scale=_int("BENCH_PGBENCH_SCALE", 10),
            pgbench_clients=_int("BENCH_PGBENCH_CLIENTS", 16),
            idle_max=_float("BENCH_IDLE_MAX", 0.25),
            wait_budget=_seconds("BENCH_WAIT", 600),
            load_client=client,
            out=Path(os.environ.get("BENCH_OUT") or "var/bench"),
            only=tuple(p.strip() for p in os.environ.get("BENCH_ONLY", "").split(",") if p.strip()),
        )
        if config.tasks < max(config.claimers + config.ops + config.uploads + 1, 1000):
            raise SystemExit(
                "BENCH_TASKS must be at least 1000 and more than BENCH_CLAIMERS + BENCH_OPS + BENCH_UPLOADS"
            )
        if min(config.members, config.claimers, config.hot_claimers, config.hot_limit, config.ops) < 1:
            raise SystemExit("BENCH_MEMBERS, BENCH_CLAIMERS, BENCH_HOT_*, BENCH_OPS must be at least 1")
        return config
