"""`make bench`: pgbench, read load, SQL per operation, claims, image memory and a scale run in one table.

Everything it borrows is given back on the way out, Ctrl-C included: the servers it started, its scratch
databases and its Redis keys. Settings: the BENCH_* variables in the README.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import sys
import time
from types import FrameType, TracebackType

from benchmarks import phases
from benchmarks.config import BenchConfig
from benchmarks.report import render, write
from benchmarks.run import Bench
from benchmarks.services import redis_namespace, scratch_database


class Cleanup(contextlib.ExitStack):
    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> bool:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        try:
            return bool(super().__exit__(kind, exc, tb))
        finally:
            signal.signal(signal.SIGINT, previous)


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    config = BenchConfig.from_env()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)
    raw = config.out / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    started = time.monotonic()
    try:
        with Cleanup() as stack:
            database = stack.enter_context(scratch_database(config.database_url, "api"))
            yardstick = stack.enter_context(scratch_database(config.database_url, "pgbench"))
            namespace = stack.enter_context(redis_namespace(config.redis_url))
            bench = Bench(config, database, yardstick, namespace)
            stack.callback(bench.engine.dispose)
            print(f"== seeding {config.tasks:,} tasks and {config.pgbench_scale}x pgbench rows", flush=True)
            bench.seed()
            machine = bench.machine()
            bench.main = bench.server(stack, config.workers, "server")
            probe = bench.main if config.workers == 1 else bench.server(stack, 1, "probe")
            # the figures of reads, claims and scale are ratios to pgbench, so they bring the yardsticks along
            wanted = set(config.only) | ({"yardsticks"} if {"reads", "claims", "scale"} & set(config.only) else set())
            for key, name, phase in (
                ("yardsticks", "pgbench select-only and simple update", bench.yardsticks),
                ("reads", f"reads ({config.load_client})", bench.reads),
                ("sql", "SQL per operation", lambda: phases.statement_costs(bench, probe)),
                ("claims", "claims on distinct tasks", lambda: phases.claims(bench)),
                ("hot", "hot task", lambda: phases.hot_task(bench)),
                ("images", "image memory", lambda: phases.image_memory(bench, probe)),
                ("scale", "scale", lambda: phases.scale(bench)),
            ):
                if config.only and key not in wanted:
                    continue
                print(f"== {name}", flush=True)
                phase()
            errors = sum(s.errors_logged() for s in {bench.main, probe})
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, scratch databases and Redis keys removed", file=sys.stderr)
        return 130
    c = config
    parameters = (
        f"BENCH_TASKS={c.tasks}, BENCH_SCALE_TASKS={c.scale_tasks}, `taskreward serve --workers {c.workers}` with "
        f"PostgreSQL and {'Redis' if c.redis_url else 'no Redis'}; load: {c.load_client} -t{c.threads} "
        f"-c{c.connections} -d{c.duration}s after a {c.warmup} s warm-up, {c.members} users' tokens in rotation; "
        f"{time.monotonic() - started:.0f} s in all, {bench.quiet.waited:.0f} s of it waiting for a quiet box; "
        f"server errors logged: {errors}"
    )
    caveat = (
        "Ratios divide by pgbench in the same run: select-only for reads, simple update (-N) for writes. "
        "'other load' is the CPU that other jobs on the box used during each timed part; "
        f"above {c.idle_max} cores the figure is disturbed."
    )
    markdown = render("make bench", machine, parameters, bench.rows, caveat)
    path = write(config.out, markdown, bench.rows, {"machine": machine, "parameters": parameters})
    print("\n" + markdown)
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
