"""The one results table: printed at the end of the run and written as Markdown (and JSON) under BENCH_OUT."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.load import Traffic
from benchmarks.meter import Usage
from benchmarks.pgbench import PgbenchResult
from benchmarks.writes import OpCost

COLUMNS = ("measure", "result", "vs pgbench", "p50 / p99 ms", "server CPU per request", "goal", "notes")


@dataclass(frozen=True)
class Row:
    measure: str
    result: str
    ratio: str = ""
    latency: str = ""
    cpu: str = ""
    goal: str = ""
    notes: str = ""


def yardstick_row(result: PgbenchResult, what: str) -> Row:
    return Row(f"pgbench {what}", f"{result.tps:,.0f} TPS", "1", f"avg {result.latency_ms:.2f}", notes=result.command)


def load_row(measure: str, traffic: Traffic, usage: Usage, yardstick: PgbenchResult, goal: str, unit: str) -> Row:
    served = usage.served(traffic.requests)
    notes = [f"{traffic.requests:,} answers in {traffic.seconds:.0f} s ({served:,} served)"]
    if traffic.non2xx or traffic.socket_errors:
        notes.append(f"**{traffic.non2xx} non-2xx, {traffic.socket_errors} socket errors**")
    hits, misses = usage.counters.get("taskreward_cache_hits"), usage.counters.get("taskreward_cache_misses")
    if hits is not None and misses is not None and hits + misses:
        notes.append(f"list cache hits {100 * hits / (hits + misses):.0f}%")
    notes.append(f"PostgreSQL CPU (whole server) {usage.per(served, usage.pg_cpu):.2f} ms/req")
    notes.append(f"client CPU {usage.per(traffic.requests, usage.client_cpu):.2f} ms/req")
    notes.append(f"other load {usage.other_cores:.2f} cores")
    return Row(
        measure,
        f"{traffic.rps:,.1f} {unit}/s",
        f"{traffic.rps / yardstick.tps:.3f}" if yardstick.tps else "",
        f"{traffic.p50_ms:.1f} / {traffic.p99_ms:.1f}",
        f"{usage.per(served, usage.server_cpu):.2f} ms",
        goal,
        "; ".join(notes),
    )


GOALS = {
    "claim": "1 transaction, <= 4 statements",
    "approval": "1 transaction, <= 10 statements",
}


def cost_row(cost: OpCost) -> Row:
    result = f"{cost.statements:.1f} statements, {cost.transactions:.1f} transactions, {cost.checkouts:.1f} checkouts"
    notes = f"mean of {cost.count} sequential requests"
    if cost.cache_misses:
        notes += f"; {cost.cache_misses:.1f} list-cache misses each"
    return Row(f"SQL per {cost.name}", result, goal=GOALS.get(cost.name, ""), notes=notes)


def render(title: str, machine: str, parameters: str, rows: list[Row], caveat: str) -> str:
    lines = [f"## {title}", "", f"Machine: {machine}", "", f"Run: {parameters}", "", caveat, ""]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    for row in rows:
        cells = (row.measure, row.result, row.ratio, row.latency, row.cpu, row.goal, row.notes)
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def write(out: Path, markdown: str, rows: list[Row], raw: dict[str, object]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.md"
    path.write_text(markdown)
    (out / "results.json").write_text(json.dumps({"rows": [asdict(r) for r in rows], **raw}, indent=2, default=str))
    return path
