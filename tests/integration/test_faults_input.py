"""No job fails silently: a name on several lines is refused at the door (400 naming the field), an email that
cannot be built is recorded as failed with why; `run-job --date` refuses bad dates; the scheduler catches up
each job once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import insert, select

from adapters.db.tables import email_deliveries, outbox
from adapters.schedule_lock import MemoryScheduleLock
from entrypoints import cli
from entrypoints.bootstrap import Container
from entrypoints.scheduler import run_scheduler
from tests.fakes.services import FakeClock
from tests.integration.conftest import SmtpInbox

Client = AsyncTestClient[Any]
NOT_ONE_LINE = [
    "crlf\r\nBcc: x@evil.test",
    "line\nbreak",
    "tab\tbell\x07",
    "rtl\u202eevil",
    "zero\u200bwidth",
    "bom\ufeff",
]


@pytest.mark.parametrize("name", NOT_ONE_LINE)
async def test_names_and_titles_on_more_than_one_line_are_refused_naming_the_field(
    name: str, client: Client, accounts: Any
) -> None:
    admin = await accounts("admin")
    slug = (await client.post("/api/tasks/", json={"name": "Fine"}, headers=admin.headers)).json()["slug"]
    attempts = {
        "name": [
            await client.post("/api/tasks/", json={"name": name}, headers=admin.headers),
            await client.patch(f"/api/tasks/{slug}/", json={"name": name}, headers=admin.headers),
            await client.post("/api/projects/", json={"name": name}, headers=admin.headers),
        ],
        "full_name": [
            await client.post(
                "/api/auth/register/", json={"email_token": "x" * 20, "password": "long enough pw", "full_name": name}
            )
        ],
    }
    for field, answers in attempts.items():
        for answer in answers:
            assert answer.status_code == 400, answer.text
            assert field in [e["field"] for e in answer.json()["errors"]], answer.json()
    assert (await client.get(f"/api/tasks/{slug}/", headers=admin.headers)).json()["name"] == "Fine"


async def test_an_email_that_cannot_be_built_is_recorded_failed_with_why(container: Container, smtp: SmtpInbox) -> None:
    # Written before the rule: a task name with a header in it. The email package refuses to build the header.
    message = {"id": uuid.uuid4(), "job": "send_email", "created_at": container.clock.now()}
    message["payload"] = {
        "to": "ada@example.com",
        "template": "approved",
        "context": {
            "full_name": "Ada",
            "task_name": "crlf\r\nBcc: x@evil.test",
            "link": "/tasks/t/",
            "points": 5,
            "feedback": "",
        },
    }
    async with container.engine.begin() as conn:
        await conn.execute(insert(outbox).values(**message, due_at=message["created_at"]))
    assert await container.handlers["send_email"](outbox_id=str(message["id"])) == "failed"
    async with container.engine.connect() as conn:
        delivery = (await conn.execute(select(email_deliveries))).one()
        row = (await conn.execute(select(outbox))).one()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error.startswith("the message cannot be built: ValueError")
    assert row.done_at is not None
    assert row.last_error == delivery.last_error
    await asyncio.sleep(0.2)
    assert smtp.messages == []


def run_job(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = cli.main(["run-job", *args])
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["mark-overdue", "--date", "12/10/2026"], "--date must be a date as YYYY-MM-DD, not '12/10/2026'"),
        (["daily-digest", "--date", "2026-02-30"], "--date must be a date as YYYY-MM-DD"),
        (["mark-overdue", "--date", "2999-01-01"], "is after tomorrow"),
        (["purge", "--date", "2026-01-01"], "--date is for mark-overdue and daily-digest only"),
    ],
)
def test_run_job_refuses_a_bad_date_in_one_line(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str], sqlite_db: str, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_db)
    monkeypatch.setenv("TASKREWARD_VAR_DIR", str(tmp_path / "var"))
    status, err = run_job(capsys, *args)
    assert status == 2
    assert err.count("\n") == 1, err
    assert says in err


def test_run_job_runs_a_far_date_when_forced_and_tomorrow_without(
    capsys: pytest.CaptureFixture[str], sqlite_db: str, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_db)
    monkeypatch.setenv("TASKREWARD_VAR_DIR", str(tmp_path / "var"))
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert cli.main(["run-job", "mark-overdue", "--date", tomorrow]) == 0
    assert cli.main(["run-job", "mark-overdue", "--date", "2999-01-01", "--force"]) == 0
    assert "mark-overdue: " in capsys.readouterr().out


class RecordingQueue:
    def __init__(self) -> None:
        self.jobs: list[str] = []

    async def enqueue(self, job: str, **arguments: str) -> None:
        self.jobs.append(job)


async def test_on_start_the_scheduler_catches_up_each_job_once() -> None:
    # Started just after 01:00 UTC: in the 15 minutes looked back, every per-minute job missed 15 runs, the
    # quarter-hourly digest its 01:00 run and mark_overdue its daily one. Each runs once.
    clock, queue, stop = FakeClock(datetime(2026, 3, 10, 1, 2, 30, tzinfo=UTC)), RecordingQueue(), asyncio.Event()
    lock = MemoryScheduleLock(clock)
    scheduler = asyncio.create_task(run_scheduler(queue, lock, clock, "UTC", tick_seconds=0.01, stop=stop))  # type: ignore[arg-type]
    async with asyncio.timeout(10):
        while not queue.jobs:
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)  # more ticks, the clock standing still: nothing more is due
    stop.set()
    await scheduler
    assert sorted(queue.jobs) == [
        "auto_approve",
        "daily_digest",
        "expire_claims",
        "mark_overdue",
        "purge",
        "sweep_outbox",
    ]
