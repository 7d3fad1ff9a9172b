"""The phases of one bench run, in order; each adds its rows to the results table."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

import httpx
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from benchmarks import pgbench, seed
from benchmarks.config import BenchConfig
from benchmarks.load import Plan, Traffic, run_httpx, run_wrk
from benchmarks.machine import QuietWait, describe
from benchmarks.meter import Meter, Usage
from benchmarks.report import Row, load_row, yardstick_row
from benchmarks.services import SECRET, Server, serve
from benchmarks.writes import bearer

CURSOR_PAGES = 200


class Bench:
    def __init__(self, config: BenchConfig, database: URL, yardstick_db: URL, namespace: str) -> None:
        self.config = config
        self.database = database
        self.yardstick_db = yardstick_db
        self.namespace = namespace
        self.raw = config.out / "raw"
        self.engine = create_engine(database.set(drivername="postgresql+psycopg"))
        self.quiet = QuietWait(config.idle_max, config.wait_budget)
        self.rows: list[Row] = []
        self.main: Server
        self.p99: dict[str, float] = {}

    # --- setting up -------------------------------------------------------------------------------

    def seed(self) -> None:
        c = self.config
        env = {**os.environ, "DATABASE_URL": self.database.render_as_string(hide_password=False), "SECRET_KEY": SECRET}
        subprocess.run([sys.executable, "-m", "entrypoints.cli", "migrate"], env=env, check=True, capture_output=True)
        people = seed.seed_people(self.engine, c.members + c.claimers + c.hot_claimers + c.ops + 1)
        self.admin_id = people.admin
        self.admin_token = seed.access_tokens(self.engine, SECRET, [people.admin])[0]
        tokens = seed.access_tokens(self.engine, SECRET, people.members)
        self.readers, rest = tokens[: c.members], tokens[c.members :]
        self.claimers, rest = rest[: c.claimers], rest[c.claimers :]
        self.hot, rest = rest[: c.hot_claimers], rest[c.hot_claimers :]
        self.operators, self.checker = rest[: c.ops], rest[c.ops]
        self.first_ms = seed.seed_tasks(self.engine, people.admin, c.tasks)
        self.hot_slug = seed.seed_hot_task(self.engine, people.admin, c.hot_limit)
        pgbench.initialise(self.yardstick_db, c.pgbench_scale, self.raw)

    def machine(self) -> str:
        with self.engine.connect() as conn:
            postgres = conn.execute(text("SHOW server_version")).scalar_one()
        redis_version = ""
        if self.config.redis_url:
            client = redis.Redis.from_url(self.config.redis_url)
            redis_version = str(client.info("server")["redis_version"])
            client.close()
        return describe(postgres, redis_version)

    def server(self, stack: contextlib.ExitStack, workers: int, name: str) -> Server:
        c = self.config
        return stack.enter_context(serve(self.database, c.redis_url, self.namespace, workers, c.out, name))

    # --- yardstick and reads ----------------------------------------------------------------------

    def yardsticks(self) -> None:
        c = self.config
        results = []
        for mode in ("-S", "-N"):
            self.quiet()
            results.append(pgbench.run(self.yardstick_db, mode, c.pgbench_clients, c.threads, c.duration, self.raw))
        self.select_only, self.simple_update = results
        self.rows += [
            yardstick_row(self.select_only, "select-only"),
            yardstick_row(self.simple_update, "simple update (-N)"),
        ]

    def plans(self, label: str) -> tuple[Plan, Plan]:
        first = Plan(f"list-first-page-{label}", ["/api/tasks/?limit=20"], self.readers)
        cursors = seed.cursor_paths(self.engine, CURSOR_PAGES)
        for path in (cursors[0], cursors[-1]):
            response = httpx.get(self.main.base + path, headers=bearer(self.checker), timeout=30)
            if response.status_code != 200 or len(response.json()["items"]) != 50:
                raise SystemExit(f"a cursor page did not answer 50 tasks: {response.status_code} {response.text[:200]}")
        return first, Plan(f"list-cursors-{label}", cursors, self.readers)

    def read(self, plan: Plan) -> tuple[Traffic, Usage]:
        c = self.config
        self.quiet()
        warm = Plan("warm-up", ["/api/tasks/?limit=20"], self.readers)
        self.load(warm, c.warmup)
        if plan.name.startswith("list-first-page"):  # every reader's first page is in the cache before the clock runs
            with httpx.Client(base_url=self.main.base, timeout=60) as client:
                for token in self.readers:
                    client.get(plan.paths[0], headers=bearer(token)).raise_for_status()
        with Meter(self.main, counted=c.workers == 1, profile=self.raw / f"profile-{plan.name}.txt") as usage:
            traffic = self.load(plan, c.duration)
        return traffic, usage

    def load(self, plan: Plan, seconds: int) -> Traffic:
        c = self.config
        if c.load_client == "wrk":
            return run_wrk(self.main.base, plan, seconds, c.threads, c.connections, self.raw)
        return run_httpx(self.main.base, plan, seconds, c.connections)

    def reads(self) -> None:
        c, at = self.config, f"{self.config.tasks:,} tasks"
        first, cursors = self.plans("small")
        spread = range(1, c.tasks, max(1, c.tasks // 1000))
        detail = Plan("task-detail", [f"/api/tasks/{seed.TASK_PREFIX}{n}/" for n in spread], self.readers)
        for plan, measure, goal in (
            (first, f"List, first page, cached ({at})", "CPU <= 0.5 ms"),
            (cursors, f"List, following cursors, uncached ({at})", ""),
            (detail, "Task detail, uncached", "CPU <= 1.5 ms"),
        ):
            traffic, usage = self.read(plan)
            self.p99[plan.name] = traffic.p99_ms
            self.rows.append(load_row(measure, traffic, usage, self.select_only, goal, "req"))
