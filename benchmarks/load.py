"""Read load over the socket with wrk (or an asyncio httpx client when wrk is missing), rotating paths and tokens.

Request i asks for paths[i mod P] as tokens[(i div P) mod T]: the first P x T requests are all different
(path, user) pairs, which is what keeps a per-user list cache from answering the "uncached" runs.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass(frozen=True)
class Plan:
    name: str
    paths: list[str]
    tokens: list[str]


@dataclass(frozen=True)
class Traffic:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


LUA = """
local paths = %(paths)s
local tokens = %(tokens)s
local started = 0
function setup(thread)
  thread:set("first", started)
  started = started + 1
end
function init(args)
  step = tonumber(args[1])
  i = first
end
function request()
  local path = paths[i %% #paths + 1]
  local token = tokens[math.floor(i / #paths) %% #tokens + 1]
  i = i + step
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
"""


def _lua_list(items: list[str]) -> str:
    return "{" + ",".join(json.dumps(item) for item in items) + "}"  # JSON strings are valid Lua strings here


def run_wrk(base: str, plan: Plan, seconds: int, threads: int, connections: int, raw: Path) -> Traffic:
    script = raw / f"{plan.name}.lua"
    script.write_text(LUA % {"paths": _lua_list(plan.paths), "tokens": _lua_list(plan.tokens)})
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base]
    out = subprocess.run([*command, "--", str(threads)], check=True, capture_output=True, text=True).stdout  # noqa: S603
    (raw / f"{plan.name}.wrk.txt").write_text(out)
    return parse_wrk(out)


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if match is None:
        raise ValueError(f"not a wrk duration: {value!r}")
    return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[match.group(2)]


def parse_wrk(out: str) -> Traffic:
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", out, re.M))
    if done is None or not {"50", "99"} <= percentiles.keys():
        raise SystemExit(f"could not read wrk's output:\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Traffic(
        requests=int(done.group(1)),
        seconds=_ms(done.group(2) + done.group(3)) / 1000,
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        non2xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def run_httpx(base: str, plan: Plan, seconds: int, connections: int) -> Traffic:
    return asyncio.run(_httpx_load(base, plan, seconds, connections))


async def _httpx_load(base: str, plan: Plan, seconds: int, connections: int) -> Traffic:
    latencies: list[float] = []
    statuses: list[int] = []
    errors = 0
    counter = iter(range(10**12))
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                i = next(counter)
                path = plan.paths[i % len(plan.paths)]
                token = plan.tokens[(i // len(plan.paths)) % len(plan.tokens)]
                sent = time.perf_counter()
                try:
                    response = await client.get(path, headers={"Authorization": f"Bearer {token}"})
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - sent) * 1000)
                statuses.append(response.status_code)

        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return Traffic(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=statistics.median(latencies) if latencies else 0.0,
        p99_ms=percentile(latencies, 0.99),
        non2xx=sum(not 200 <= s < 400 for s in statuses),
        socket_errors=errors,
    )


def percentile(samples: list[float], q: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)]
