"""The box as /proc sees it: what it is, how busy it is, and the CPU and memory of a process tree."""

from __future__ import annotations

import contextlib
import os
import platform
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HZ = os.sysconf("SC_CLK_TCK")


def describe(postgres_version: str, redis_version: str) -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?")
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line))
    return (
        f"{model}, {os.cpu_count()} cores, {mem_kb / 1024 / 1024:.0f} GB RAM; PostgreSQL {postgres_version}, "
        f"Redis {redis_version or 'not used'}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


@dataclass(frozen=True)
class Proc:
    comm: str
    ppid: int
    ticks: int  # its own utime + stime
    reaped: int  # cutime + cstime: the children it has waited for


def processes() -> dict[int, Proc]:
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        table[int(entry)] = Proc(comm, int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[13]) + int(rest[14]))
    return table


def descendants(table: dict[int, Proc], roots: list[int]) -> list[int]:
    children = defaultdict(list)
    for pid, proc in table.items():
        children[proc.ppid].append(pid)
    found, stack = [], [r for r in roots if r in table]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children[pid])
    return found


def tree_cpu(table: dict[int, Proc], roots: list[int]) -> float:
    """Seconds of CPU used by the roots, their live descendants and every child the roots reaped."""
    ticks = sum(table[r].reaped for r in roots if r in table)
    ticks += sum(table[pid].ticks for pid in descendants(table, roots))
    return ticks / HZ


def postmasters(table: dict[int, Proc]) -> list[int]:
    return [pid for pid, p in table.items() if p.comm == "postgres" and table.get(p.ppid, p).comm != "postgres"]


def busy_seconds() -> float:
    """CPU seconds the whole box has spent busy since boot (user, nice, system, irq, softirq, steal)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[i] for i in (0, 1, 2, 5, 6, 7)) / HZ


def busy_cores(seconds: float = 3.0) -> float:
    before = busy_seconds()
    time.sleep(seconds)
    return (busy_seconds() - before) / seconds


class QuietWait:
    """Waits before each timed run until the other jobs on the box use at most `idle_max` cores."""

    def __init__(self, idle_max: float, budget: int) -> None:
        self.idle_max = idle_max
        self.budget = budget
        self.waited = 0.0

    def __call__(self) -> float:
        while True:
            used = busy_cores()
            if used <= self.idle_max or self.waited >= self.budget:
                return used
            print(f"   box busy ({used:.2f} cores in use); waiting 10 s", flush=True)
            time.sleep(10)
            self.waited += 10 + 3


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (VmRSS) or its peak since the last reset (VmHWM), in MB."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def tree_rss_mb(roots: list[int], field: str = "VmRSS") -> float:
    return sum(rss_mb(pid, field) for pid in descendants(processes(), roots))


def reset_peak_rss(roots: list[int]) -> None:
    """Writing 5 to clear_refs sets VmHWM back to the current RSS (our own processes only)."""
    for pid in descendants(processes(), roots):
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")
