"""mark_overdue at scale on PostgreSQL: a fixed handful of set-based statements however many tasks are late."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Integer, String, Uuid, bindparam, create_engine, event, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY

from adapters.db.migrate import sync_url
from adapters.db.reading import task_overdue
from adapters.db.tables import assignments, notifications, outbox, overdue_notices, tasks, users
from entrypoints.settings import Settings
from tests.fakes.services import FakeClock
from tests.integration.conftest import _empty_tables, build

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
ASSIGNEES = 300
CHUNK = 10_000


def populate(url: str, task_count: int) -> None:
    """Late tasks, written in chunks; the first ASSIGNEES of them are claimed, one per member."""
    task_ids = [uuid.uuid4() for _ in range(task_count)]
    engine = create_engine(sync_url(url))
    people = [
        {
            "id": uuid.uuid4(),
            "email": f"person{n}@example.com",
            "full_name": f"Person {n}",
            "role": "admin" if n == 0 else "member",
            "password_hash": "!unusable",
            "time_zone": "UTC",
            "is_active": True,
            "session_version": 0,
            "created_at": NOW,
        }
        for n in range(ASSIGNEES + 1)
    ]
    # One INSERT ... SELECT FROM unnest(...) per chunk: a statement per row would take most of the budget.
    # What every task shares is written into the statement; only the varying columns are arrays.
    shared = {
        "description": "''",
        "points": "1",
        "claim_limit": "1",
        "due_date": f"DATE '{TODAY - timedelta(days=1)}'",
        "is_open": "true",
        "approved_slots": "0",
        "created_by": f"UUID '{people[0]['id']}'",
        "created_at": f"TIMESTAMPTZ '{NOW.isoformat()}'",
    }
    varying = {"id": Uuid, "slug": String, "name": String, "slots_taken": Integer}
    rows = select(
        *[func.unnest(bindparam(name, type_=ARRAY(kind))).label(name) for name, kind in varying.items()],
        *[literal_column(value).label(name) for name, value in shared.items()],
    )
    late = tasks.insert().from_select([*varying, *shared], rows)
    with engine.begin() as conn:
        conn.execute(users.insert(), people)
        for offset in range(0, task_count, CHUNK):
            numbers = range(offset, min(offset + CHUNK, task_count))
            conn.execute(
                late,
                {
                    "id": [task_ids[n] for n in numbers],
                    "slug": [f"late-{n}" for n in numbers],
                    "name": [f"Late task {n}" for n in numbers],
                    "slots_taken": [int(n < ASSIGNEES) for n in numbers],
                },
            )
        conn.execute(
            assignments.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "task_id": task_ids[n],
                    "user_id": person["id"],
                    "origin": "claimed",
                    "status": "in_progress",
                    "note": "",
                    "feedback": "",
                    "claimed_at": NOW,
                }
                for n, person in enumerate(people[1:])
            ],
        )
    engine.dispose()


class RecordingQueue:
    """Only records the email jobs the relay hands over: sending 300 emails is not what is measured here."""

    def __init__(self) -> None:
        self.jobs: list[str] = []

    async def enqueue(self, job: str, **arguments: str) -> None:
        self.jobs.append(job)


def kind(statement: str) -> str:
    """`UPDATE tasks`, `INSERT INTO outbox`, or `SELECT`."""
    found = re.match(r"\s*(UPDATE|INSERT INTO|DELETE FROM)\s+(\w+)", statement)
    return f"{found[1]} {found[2]}" if found else statement.split(None, 1)[0]


async def mark_overdue(url: str, settings_for: Callable[..., Settings]) -> tuple[int, list[str], float, list[str]]:
    """Runs the job once; returns its result, the statements it issued, its duration and the jobs it queued."""
    queue = RecordingQueue()
    container = build(settings_for(url), clock=FakeClock(NOW), queue=queue)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(kind(statement))

    try:
        event.listen(container.engine.sync_engine, "before_cursor_execute", record)
        started = time.monotonic()
        result = await container.handlers["mark_overdue"](today=TODAY.isoformat())
        took = time.monotonic() - started
        event.remove(container.engine.sync_engine, "before_cursor_execute", record)
    finally:
        await container.close()
    return result, statements, took, queue.jobs


def tallies(url: str) -> tuple[dict[bool, int], int, int, dict[uuid.UUID, int]]:
    """Tasks by overdue as every read derives it, notices, outbox rows, and notifications per user."""
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        overdue = task_overdue(TODAY).label("overdue")
        flags = dict(conn.execute(select(overdue, func.count()).select_from(tasks).group_by(overdue)).all())
        notices = conn.execute(select(func.count()).select_from(overdue_notices)).scalar_one()
        emails = conn.execute(select(func.count()).select_from(outbox)).scalar_one()
        per_user = conn.execute(select(notifications.c.user_id, func.count()).group_by(notifications.c.user_id))
        told = {user_id: count for user_id, count in per_user}
        assignees = set(conn.execute(select(assignments.c.user_id)).scalars())
    engine.dispose()
    assert len(assignees) == ASSIGNEES
    assert told == dict.fromkeys(assignees, 1), "every assignee is told exactly once, and nobody else"
    return flags, notices, emails, told


# Nothing is flagged (every read derives overdue): find who is owed a notice, record the notices, the
# notifications and the outbox rows, written handed over; after commit the relay enqueues them, with no statement.
STATEMENTS = [
    "SELECT",
    "INSERT INTO overdue_notices",
    "INSERT INTO notifications",
    "INSERT INTO outbox",
]


async def test_mark_overdue_issues_the_same_few_statements_for_1000_or_100000_tasks(
    pg_url: str, settings_for: Callable[..., Settings]
) -> None:
    populate(pg_url, 1_000)
    result, small, _, jobs = await mark_overdue(pg_url, settings_for)
    assert (result, jobs) == (ASSIGNEES, ["send_email"] * ASSIGNEES)
    assert tallies(pg_url)[:3] == ({True: 1_000}, ASSIGNEES, ASSIGNEES)
    again, statements, _, jobs = await mark_overdue(pg_url, settings_for)
    assert (again, statements, jobs) == (0, ["SELECT"], [])

    _empty_tables(pg_url)
    populate(pg_url, 100_000)
    result, large, took, jobs = await mark_overdue(pg_url, settings_for)
    assert (result, jobs) == (ASSIGNEES, ["send_email"] * ASSIGNEES)
    assert tallies(pg_url)[:3] == ({True: 100_000}, ASSIGNEES, ASSIGNEES)
    assert large == STATEMENTS
    assert small == STATEMENTS
    assert took < 15, f"mark_overdue took {took:.1f}s over 100 000 tasks"
