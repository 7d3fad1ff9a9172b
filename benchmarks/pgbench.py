"""pgbench against a scratch database on the same server: the yardstick every figure is divided by."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL


@dataclass(frozen=True)
class PgbenchResult:
    mode: str
    tps: float
    latency_ms: float
    command: str


def _connection(database: URL) -> tuple[list[str], dict[str, str]]:
    args = ["-h", database.host or "127.0.0.1", "-p", str(database.port or 5432), "-U", database.username or "postgres"]
    env = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    if database.password:
        env["PGPASSWORD"] = str(database.password)
    return args, env


def require_pgbench() -> str:
    found = shutil.which("pgbench")
    if not found:
        raise SystemExit("pgbench is not installed (Debian: apt-get install -y postgresql-client)")
    return found


def initialise(database: URL, scale: int, raw: Path) -> None:
    args, env = _connection(database)
    command = [require_pgbench(), "-i", "-q", "-s", str(scale), *args, str(database.database)]
    with (raw / "pgbench-init.txt").open("w") as sink:
        subprocess.run(command, env=env, check=True, stdout=sink, stderr=subprocess.STDOUT)  # noqa: S603


def run(database: URL, mode: str, clients: int, threads: int, seconds: int, raw: Path) -> PgbenchResult:
    """mode: "-S" (select-only) or "-N" (simple update: the pgbench_accounts update without the branch rows)."""
    args, env = _connection(database)
    options = [mode, "-c", str(clients), "-j", str(threads), "-T", str(seconds)]
    command = [require_pgbench(), *options, *args, str(database.database)]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout  # noqa: S603
    (raw / f"pgbench{mode}.txt").write_text(out)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    latency = re.search(r"latency average = ([\d.]+) ms", out)
    if tps is None:
        raise SystemExit(f"could not read pgbench's output:\n{out}")
    return PgbenchResult(mode, float(tps.group(1)), float(latency.group(1)) if latency else 0.0, " ".join(options))
