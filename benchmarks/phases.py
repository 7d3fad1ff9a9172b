"""The phases after the reads: SQL per operation, claims, the hot task, image memory, and the scale run."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from benchmarks import seed
from benchmarks.meter import Meter
from benchmarks.report import Row, cost_row, load_row
from benchmarks.run import Bench
from benchmarks.services import Server
from benchmarks.uploads import upload_concurrently
from benchmarks.writes import bearer, claim_distinct, claim_hot, operation_costs

Call = Callable[[httpx.Client], httpx.Response]


def statement_costs(bench: Bench, probe: Server) -> None:
    """One request at a time on a one-process server, so its counters hold only that request's work."""
    ops = bench.config.ops
    cursors = seed.cursor_paths(bench.engine, ops)
    first = bench.config.claimers + 1
    slugs = [f"{seed.TASK_PREFIX}{n}" for n in range(first, first + ops)]
    claimed: list[str] = []

    def get(path: str, token: str) -> Call:
        return lambda client: client.get(path, headers=bearer(token))

    def claim(slug: str, token: str) -> Call:
        def call(client: httpx.Client) -> httpx.Response:
            response = client.post(f"/api/tasks/{slug}/claim/", headers=bearer(token))
            claimed.append(response.json().get("id", "") if response.status_code == 201 else "")
            return response

        return call

    def review(kind: str, i: int, token: str, body: dict[str, str]) -> Call:
        return lambda client: client.post(f"/api/assignments/{claimed[i]}/{kind}/", json=body, headers=bearer(token))

    httpx.get(probe.base + "/api/tasks/?limit=20", headers=bearer(bench.checker), timeout=30)  # now it is cached
    # Each user's first request reads them once per process (then they are kept): the rows count what follows.
    for token in [bench.checker, bench.admin_token, *bench.operators]:
        httpx.get(probe.base + "/api/auth/me/", headers=bearer(token), timeout=30).raise_for_status()
    steps = [
        ("list page, cached", [get("/api/tasks/?limit=20", bench.checker) for _ in range(ops)]),
        ("list page, uncached", [get(path, bench.checker) for path in cursors]),
        ("task detail", [get(f"/api/tasks/{slug}/", bench.checker) for slug in slugs]),
        ("claim", [claim(slug, token) for slug, token in zip(slugs, bench.operators, strict=True)]),
        ("submit", [review("submit", i, t, {"note": "done"}) for i, t in enumerate(bench.operators)]),
        ("approval", [review("approve", i, bench.admin_token, {}) for i in range(ops)]),
    ]
    bench.rows += [cost_row(cost) for cost in operation_costs(probe, steps)]


def claims(bench: Bench) -> None:
    c = bench.config
    pairs = [(token, f"{seed.TASK_PREFIX}{n + 1}") for n, token in enumerate(bench.claimers)]
    bench.quiet()
    with Meter(bench.main, counted=c.workers == 1, profile=bench.raw / "profile-claims.txt") as usage:
        traffic = claim_distinct(bench.main.base, pairs, c.connections)
    measure = f"Claims, {len(pairs)} claimers on distinct tasks, {c.connections} at a time"
    goal = ">= 0.30 of pgbench -N"
    bench.rows.append(load_row(measure, traffic, usage, bench.simple_update, goal, "claims"))


def hot_task(bench: Bench) -> None:
    c = bench.config
    bench.quiet()
    result = claim_hot(bench.main.base, bench.hot, bench.hot_slug)
    limit, taken, held = seed.hot_task_state(bench.engine)
    won, full = result.statuses.get(201, 0), result.statuses.get(409, 0)
    exact = won == limit == taken == held and won + full == result.claimers
    answers = ", ".join(f"{n} x {status}" for status, n in sorted(result.statuses.items()))
    bench.rows.append(
        Row(
            f"Hot task: {c.hot_claimers} claimers at once, claim limit {c.hot_limit}",
            "exact" if exact else "**NOT EXACT**",
            latency=f"- / {result.p99_ms:.0f}",
            goal="exact",
            notes=f"answers {answers}; slots taken {taken} of {limit}, {held} held; {result.seconds:.2f} s in all",
        )
    )


def image_memory(bench: Bench, probe: Server) -> None:
    first = bench.config.claimers + bench.config.ops + 1
    slugs = [f"{seed.TASK_PREFIX}{n}" for n in range(first, first + bench.config.uploads)]
    bench.quiet()
    r = upload_concurrently(probe, bench.admin_token, slugs)
    ok = r.statuses == {200: r.uploads}
    bench.rows.append(
        Row(
            f"Image memory: {r.uploads} concurrent uploads of the largest accepted image",
            f"peak {r.peak_mb:.0f} MB; after {r.after_mb:.0f} MB ({r.after_mb - r.baseline_mb:+.0f} MB)",
            goal="peak < 600 MB; after within 100 MB of the baseline",
            notes=f"{r.image}; API process RSS, baseline {r.baseline_mb:.0f} MB; {r.seconds:.1f} s; "
            + ("all 200" if ok else f"**answers {r.statuses}**"),
        )
    )


def scale(bench: Bench) -> None:
    c = bench.config
    extra = c.scale_tasks - c.tasks
    if extra <= 0:
        return
    print(f"== scale: {extra:,} more tasks, all older than the first {c.tasks:,}", flush=True)
    seed.seed_tasks(bench.engine, bench.admin_id, extra, prefix=seed.OLDER_PREFIX, before_ms=bench.first_ms)
    first, cursors = bench.plans("large")
    for plan, small, what in (
        (first, "list-first-page-small", "first page, cached"),
        (cursors, "list-cursors-small", "following cursors, uncached"),
    ):
        traffic, usage = bench.read(plan)
        ratio = traffic.p99_ms / bench.p99[small] if bench.p99.get(small) else 0.0
        row = load_row(f"List, {what} ({c.scale_tasks:,} tasks)", traffic, usage, bench.select_only, "", "req")
        bench.rows.append(row)
        bench.rows.append(
            Row(
                f"Scale: list {what}, p99 at {c.scale_tasks:,} / p99 at {c.tasks:,} tasks",
                f"{ratio:.2f}",
                latency=f"{bench.p99[small]:.1f} -> {traffic.p99_ms:.1f}",
                goal="<= 1.5",
            )
        )
