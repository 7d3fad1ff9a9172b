"""CPU, elapsed time and server counters around one timed part of the run."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from benchmarks.machine import busy_seconds, postmasters, processes, tree_cpu
from benchmarks.services import Server


def _own_cpu() -> float:
    """This process and the children it has reaped (wrk, pgbench): the load generator's CPU."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Usage:
    seconds: float = 0.0
    server_cpu: float = 0.0  # CPU seconds of the server's process tree
    pg_cpu: float = 0.0  # CPU seconds of PostgreSQL, all of it (other databases too)
    client_cpu: float = 0.0
    other_cores: float = 0.0  # cores busy with anything else on the box, on average
    counters: dict[str, float] = field(default_factory=dict)  # server counters' growth; empty with several workers

    def served(self, fallback: int) -> int:
        """Requests the server answered in the window (the client's count when the counters are not exact)."""
        return int(self.counters.get("taskreward_requests", fallback)) if self.counters else fallback

    def per(self, count: int, cpu: float) -> float:
        return 1000 * cpu / count if count else 0.0


class Meter:
    """`with Meter(server, counted) as usage:` fills `usage` when the block ends."""

    def __init__(self, server: Server, counted: bool, profile: Path | None = None) -> None:
        self._server = server
        self._counted = counted  # the server's counters are exact only when one process answers /metrics
        self._profile = profile if os.environ.get("BENCH_PROFILE") else None
        self._sampler: subprocess.Popen[bytes] | None = None
        self.usage = Usage()

    def __enter__(self) -> Usage:
        wait_idle(self._server)  # requests still queued from a warm-up are not this window's
        self._counters = self._server.metrics() if self._counted else {}
        if self._profile is not None:
            self._sampler = start_profile(self._server.pid, self._profile)
        self._snapshot = self._take()
        return self.usage

    def __exit__(self, kind: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None) -> None:
        if self._sampler is not None:
            self._sampler.send_signal(signal.SIGINT)  # py-spy writes what it sampled and exits
            self._sampler.wait(60)
        if kind is not None:
            return
        wait_idle(self._server)  # requests the client gave up on at its deadline are still served, and counted
        after = self._take()
        before = self._snapshot
        u = self.usage
        u.seconds = after["wall"] - before["wall"]
        u.server_cpu = after["server"] - before["server"]
        u.pg_cpu = after["pg"] - before["pg"]
        u.client_cpu = after["client"] - before["client"]
        ours = u.server_cpu + u.pg_cpu + u.client_cpu
        u.other_cores = max(0.0, (after["busy"] - before["busy"] - ours) / u.seconds) if u.seconds else 0.0
        if self._counted:
            u.counters = {k: v - self._counters.get(k, 0.0) for k, v in self._server.metrics().items()}

    def _take(self) -> dict[str, float]:
        table = processes()
        return {
            "wall": time.perf_counter(),
            "server": tree_cpu(table, [self._server.pid]),
            "pg": tree_cpu(table, postmasters(table)),
            "client": _own_cpu(),
            "busy": busy_seconds(),
        }


def start_profile(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """BENCH_PROFILE=1: py-spy samples the server's processes through the window into `out` (collapsed stacks,
    for flamegraph.pl or speedscope). Sampling pauses the server, so a profiled run's figures are not the real ones.
    """
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        raise SystemExit("BENCH_PROFILE needs py-spy (pip install py-spy)")
    # --gil: only the thread running Python is sampled (idle waits are often taken for work otherwise)
    options = ["--subprocesses", "--threads", "--gil", "--rate", "250", "--format", "raw"]
    command = [spy, "record", "--pid", str(pid), *options, "-o", str(out)]
    sampler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    time.sleep(1.0)  # py-spy attaches before the load starts
    return sampler


def wait_idle(server: Server, below: float = 0.05, every: float = 0.5, timeout: float = 20.0) -> None:
    """Until the server's processes use under `below` of a core (it serves nothing any more)."""
    last = tree_cpu(processes(), [server.pid])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(every)
        now = tree_cpu(processes(), [server.pid])
        if now - last < below * every:
            return
        last = now


def settled_metrics(server: Server, quiet_for: float = 0.5, timeout: float = 10.0) -> dict[str, float]:
    """Work a request starts after its answer (the outbox relay) is counted once the counters stop moving."""
    last = server.metrics()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(quiet_for)
        now = server.metrics()
        moving = {k for k in now if k.startswith("taskreward_db_") and now[k] != last.get(k)}
        if not moving:
            return now
        last = now
    return last
