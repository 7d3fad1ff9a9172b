"""The scheduled jobs on SQLite and PostgreSQL, run by hand on a fake clock, their emails on real SMTP."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from sqlalchemy import insert, select

from adapters.db.tables import email_deliveries, ledger_transfers, outbox
from application.schedule import local_today
from domain.access import ProjectRole
from domain.projects import Membership
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.fakes.services import FakeClock
from tests.integration.conftest import Account, SmtpInbox, build, free_port, quick_accounts, text_part
from tests.integration.live import serve


@dataclass
class App:
    container: Container
    client: httpx.AsyncClient
    clock: FakeClock
    smtp: SmtpInbox

    @property
    def today(self) -> date:
        return local_today(self.clock.now(), "UTC")

    async def run(self, job: str, **arguments: str) -> Any:
        result = await self.container.handlers[job](**arguments)
        await self.container.queue.drain()  # type: ignore[attr-defined]
        return result

    async def accounts(self, role: str, count: int) -> list[Account]:
        return await quick_accounts(self.container, role, count)

    async def call(self, method: str, path: str, who: Account, expect: int = 200, **body: Any) -> Any:
        response = await self.client.request(method, path, headers=who.headers, json=body or None)
        assert response.status_code == expect, response.text
        return response.json() if response.content else None

    async def publish(self, admin: Account, name: str, project: str | None = None, **task: Any) -> str:
        path = f"/api/projects/{project}/tasks/" if project else "/api/tasks/"
        slug: str = (await self.call("POST", path, admin, 201, name=name, **task))["slug"]
        return slug

    async def claim(self, member: Account, slug: str) -> str:
        assignment_id: str = (await self.call("POST", f"/api/tasks/{slug}/claim/", member, 201))["id"]
        return assignment_id

    async def join(self, project: str, member: Account) -> None:
        async with self.container.uow() as work:
            found = await work.projects.get_by_slug(project)
            assert found is not None
            await work.memberships.add(Membership(found.id, member.user.id, ProjectRole.MEMBER, self.clock.now()))
            await work.commit()

    async def notices(self, who: Account, kind: str) -> list[str]:
        items = (await self.call("GET", "/api/notifications/", who))["items"]
        return [n["text"] for n in items if n["kind"] == kind]

    def emails(self, who: Account, subject: str) -> list[Any]:
        return [m for m in self.smtp.to(who.user.email) if m["Subject"].startswith(subject)]

    async def rows(self, query: Any) -> list[Any]:
        async with self.container.engine.connect() as conn:
            return list((await conn.execute(query)).all())


@pytest.fixture
async def app(database_url: str, smtp: SmtpInbox, settings_for: Callable[..., Settings]) -> AsyncIterator[App]:
    # Behind the real time, so tokens issued on this clock are valid and stay so while it moves on.
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5))
    container = build(settings_for(database_url, email_host=smtp.host, email_port=smtp.port), clock=clock)
    # A live server in this event loop: the requests' email jobs and the ones run here share one loop.
    async with serve(create_app(container)) as client:
        yield App(container, client, clock, smtp)
    await container.close()


async def test_an_overdue_task_is_flagged_and_its_assignee_told_once(app: App) -> None:
    [admin], [member] = await app.accounts("admin", 1), await app.accounts("member", 1)
    yesterday = (app.today - timedelta(days=1)).isoformat()
    slug = await app.publish(admin, "File the report", due_date=yesterday)
    await app.claim(member, slug)

    today = app.today.isoformat()
    assert [await app.run("mark_overdue", today=today), await app.run("mark_overdue")] == [1, 0]
    assert await app.run("mark_overdue", today=today) == 0
    assert (await app.call("GET", f"/api/tasks/{slug}/", member))["is_overdue"] is True
    [text] = await app.notices(member, "overdue")
    assert "File the report" in text
    assert yesterday in text
    [email] = app.emails(member, "Overdue: File the report")
    assert f"was due on {yesterday}" in text_part(email)
    assert await app.notices(admin, "overdue") == []
    assert app.smtp.to(admin.user.email) == []


async def test_a_task_created_already_late_reads_overdue_at_once_and_the_job_only_tells(app: App) -> None:
    [admin], [member] = await app.accounts("admin", 1), await app.accounts("member", 1)
    yesterday, today = (app.today - timedelta(days=1)).isoformat(), app.today.isoformat()
    late = await app.publish(admin, "Late from the start", due_date=yesterday)
    due_today = await app.publish(admin, "Due today", due_date=today)
    await app.claim(member, late)

    assert (await app.call("GET", f"/api/tasks/{late}/", member))["is_overdue"] is True
    assert (await app.call("GET", f"/api/tasks/{due_today}/", member))["is_overdue"] is False
    project = (await app.call("POST", "/api/projects/", admin, 201, name="Behind", due_date=yesterday))["slug"]
    assert (await app.call("GET", f"/api/projects/{project}/", admin))["is_overdue"] is True
    listed = await app.call("GET", "/api/projects/", admin)
    assert [p["is_overdue"] for p in listed["items"] if p["slug"] == project] == [True]
    in_project = await app.publish(admin, "Behind too", project=project, due_date=yesterday)
    overdue = await app.call("GET", f"/api/projects/{project}/tasks/?overdue=true", admin)
    assert [t["slug"] for t in overdue["items"]] == [in_project]
    assert (await app.call("GET", f"/api/projects/{project}/tasks/?overdue=false", admin))["items"] == []
    assert await app.notices(member, "overdue") == []

    await app.call("PATCH", f"/api/tasks/{late}/", admin, due_date=today)
    assert (await app.call("GET", f"/api/tasks/{late}/", member))["is_overdue"] is False
    await app.call("PATCH", f"/api/tasks/{late}/", admin, due_date=yesterday)
    # The member about their task; the admin, who manages the project, about it and its task.
    assert await app.run("mark_overdue", today=today) == 3
    assert await app.run("mark_overdue", today=today) == 0
    assert len(await app.notices(member, "overdue")) == 1


async def test_a_project_due_yesterday_tells_each_member_once(app: App) -> None:
    [admin], members = await app.accounts("admin", 1), await app.accounts("member", 2)
    yesterday = (app.today - timedelta(days=1)).isoformat()
    project = (await app.call("POST", "/api/projects/", admin, 201, name="Spring launch", due_date=yesterday))["slug"]
    for member in members:
        await app.join(project, member)

    assert [await app.run("mark_overdue", today=app.today.isoformat()) for _ in range(2)] == [3, 0]
    assert (await app.call("GET", f"/api/projects/{project}/", admin))["is_overdue"] is True
    for person in [admin, *members]:
        assert len(await app.notices(person, "overdue")) == 1
        assert len(app.emails(person, "Overdue: Spring launch")) == 1


async def test_neither_a_completed_projects_tasks_nor_finished_tasks_are_flagged(app: App) -> None:
    [admin], (member, other, third) = await app.accounts("admin", 1), await app.accounts("member", 3)
    yesterday = (app.today - timedelta(days=1)).isoformat()
    project = (await app.call("POST", "/api/projects/", admin, 201, name="Old work", due_date=yesterday))["slug"]
    await app.join(project, member)
    archived = await app.publish(admin, "Archive", project=project, due_date=yesterday)
    in_project = await app.claim(member, archived)
    await app.call("PATCH", f"/api/projects/{project}/", admin, status="completed")
    done = await app.publish(admin, "Done on time", due_date=yesterday)
    finished = await app.claim(other, done)
    await app.call("POST", f"/api/assignments/{finished}/submit/", other, note="ok")
    await app.call("POST", f"/api/assignments/{finished}/approve/", admin)
    late = await app.publish(admin, "Still open", due_date=yesterday)
    await app.claim(third, late)

    assert await app.run("mark_overdue", today=app.today.isoformat()) == 1
    assert (await app.call("GET", f"/api/assignments/{in_project}/", member))["status"] == "in_progress"
    slugs = {"Archive": archived, "Done on time": done, "Still open": late}
    flagged = {
        name: (await app.call("GET", f"/api/tasks/{slug}/", admin))["is_overdue"] for name, slug in slugs.items()
    }
    assert flagged == {"Archive": False, "Done on time": False, "Still open": True}
    assert (await app.call("GET", f"/api/projects/{project}/", admin))["is_overdue"] is False
    assert [len(await app.notices(p, "overdue")) for p in (admin, member, other, third)] == [0, 0, 0, 1]


async def test_an_expired_claim_frees_its_slot_and_its_member(app: App) -> None:
    [admin], (member, other) = await app.accounts("admin", 1), await app.accounts("member", 2)
    slug = await app.publish(admin, "Quick fix", claim_duration_seconds=60)
    next_task = await app.publish(admin, "Next fix")
    assignment = await app.claim(member, slug)
    board = await app.call("GET", "/api/tasks/", other)
    assert slug not in [t["slug"] for t in board["items"]]
    await app.call("POST", f"/api/tasks/{next_task}/claim/", member, 409)
    assert await app.run("expire_claims") == 0

    app.clock.advance(timedelta(minutes=2))
    assert [await app.run("expire_claims") for _ in range(2)] == [1, 0]
    assert (await app.call("GET", f"/api/assignments/{assignment}/", member))["status"] == "expired"
    board = await app.call("GET", "/api/tasks/", other)
    assert [t["slots_left"] for t in board["items"] if t["slug"] == slug] == [1]
    await app.claim(member, next_task)
    assert len(await app.notices(member, "claim_expired")) == 1


async def test_an_auto_approval_credits_once(app: App) -> None:
    [admin], [member] = await app.accounts("admin", 1), await app.accounts("member", 1)
    assignment = await app.claim(member, await app.publish(admin, "Proofread", points=7, auto_approve_after_seconds=60))
    await app.call("POST", f"/api/assignments/{assignment}/submit/", member, note="done")
    assert await app.run("auto_approve") == 0

    app.clock.advance(timedelta(minutes=2))
    handler = app.container.handlers["auto_approve"]
    assert sorted(await asyncio.gather(handler(), handler())) == [0, 1]
    assert await app.run("auto_approve") == 0
    assert (await app.call("GET", f"/api/assignments/{assignment}/", member))["status"] == "approved"
    assert await app.call("GET", "/api/wallet/", member) == {"balance": 7, "earned": 7, "redeemed": 0}
    assert len(await app.rows(select(ledger_transfers).where(ledger_transfers.c.kind == "reward"))) == 1
    assert len(app.emails(member, "Approved: Proofread")) == 1


async def test_the_daily_digest_goes_to_people_with_work_due(app: App) -> None:
    [admin] = await app.accounts("admin", 1)
    busy, project_member, removed, deactivated, relaxed, idle = await app.accounts("member", 6)
    today, tomorrow = app.today, app.today + timedelta(days=1)
    yesterday = today - timedelta(days=1)

    async def assign(name: str, who: Account, due: date, project: str | None = None) -> str:
        slug = await app.publish(admin, name, project=project, due_date=due.isoformat())
        await app.call("POST", f"/api/tasks/{slug}/assign/", admin, 201, user_id=str(who.user.id))
        return slug

    await app.claim(busy, await app.publish(admin, "Due today", due_date=today.isoformat()))
    await assign("Was due", busy, yesterday)
    await assign("Due later", busy, tomorrow)
    await assign("Also later", relaxed, tomorrow)
    project = (await app.call("POST", "/api/projects/", admin, 201, name="Garden"))["slug"]
    for member in (project_member, removed):
        await app.join(project, member)
    await assign("Weeding", project_member, today, project)
    submitted = await app.claim(removed, await app.publish(admin, "Pruning", project=project, due_date=str(today)))
    await app.call("POST", f"/api/assignments/{submitted}/submit/", removed, note="done")
    await app.call("DELETE", f"/api/projects/{project}/members/{removed.user.id}/", admin, 204)
    await assign("Mowing", deactivated, today)
    await app.call("PATCH", f"/api/admin/users/{deactivated.user.id}/", admin, is_active=False)

    assert [await app.run("daily_digest", today=today.isoformat()) for _ in range(2)] == [2, 0]
    subject = f"Your tasks for {today.isoformat()}"
    [email] = app.emails(busy, subject)
    lines = text_part(email)
    assert "- Due today: due today" in lines
    assert f"- Was due: OVERDUE (was due {yesterday.isoformat()})" in lines
    assert "Due later" not in lines
    assert "Weeding" in text_part(app.emails(project_member, subject)[0])
    assert len(app.emails(project_member, subject)) == 1
    for nobody in (admin, removed, deactivated, relaxed, idle):
        assert app.emails(nobody, subject) == [], nobody.user.email


async def test_an_undeliverable_email_is_retried_then_recorded_as_failed(app: App) -> None:
    # Tries 30 to 60 s apart, for 80 s: the first failure is retried, the second, 61 s later, is final.
    retries = {"email_retry_first_seconds": 60, "email_retry_longest_seconds": 60, "email_retry_window_seconds": 80}
    settings = msgspec.structs.replace(app.container.settings, email_port=free_port(), **retries)
    closed = build(settings, clock=app.clock)
    message = {"id": uuid.uuid4(), "job": "send_email", "created_at": app.clock.now(), "due_at": app.clock.now()}
    message["payload"] = {"to": "x@example.com", "template": "otp", "context": {"code": "123456", "minutes": 10}}
    try:
        async with closed.engine.begin() as conn:
            await conn.execute(insert(outbox).values(**message))
        send = closed.handlers["send_email"]
        assert str(await send(outbox_id=str(message["id"]))).startswith("retry at ")
        [row] = await app.rows(select(outbox))
        assert (row.done_at, row.dispatched_at) == (None, None)
        assert app.clock.now() + timedelta(seconds=30) <= row.due_at <= app.clock.now() + timedelta(seconds=60)
        assert "ConnectionRefusedError" in row.last_error or "connect" in row.last_error.lower()
        app.clock.advance(timedelta(seconds=61))
        assert await send(outbox_id=str(message["id"])) == "failed"
        assert await send(outbox_id=str(message["id"])) == "already failed"
    finally:
        await closed.close()
    [delivery] = await app.rows(select(email_deliveries))
    assert (delivery.status, delivery.attempts, delivery.to) == ("failed", 2, "x@example.com")
    [row] = await app.rows(select(outbox))
    assert row.done_at == app.clock.now()
    assert row.last_error == delivery.last_error != ""
    # A failed email keeps what it needs to be sent again by an admin.
    assert row.payload["context"] == {"code": "123456", "minutes": 10}


async def test_run_job_mark_overdue_from_the_command_line(tmp_path: Path, smtp: SmtpInbox) -> None:
    db = tmp_path / "cli.db"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "SECRET_KEY")}
    env |= {"DATABASE_URL": f"sqlite+aiosqlite:///{db}", "TASKREWARD_VAR_DIR": str(tmp_path / "var")}
    env |= {"EMAIL_HOST": smtp.host, "EMAIL_PORT": str(smtp.port), "LOG_LEVEL": "WARNING"}
    command = [str(Path(sys.executable).with_name("taskreward"))]

    def taskreward(*args: str) -> str:
        done = subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    taskreward("migrate")
    container = build(Settings.from_env(env))
    try:
        app = App(container, None, FakeClock(datetime.now(UTC)), smtp)  # type: ignore[arg-type]
        [admin], [member] = await app.accounts("admin", 1), await app.accounts("member", 1)
        async with serve(create_app(container)) as app.client:
            slug = await app.publish(admin, "Renew the domain", due_date=(app.today - timedelta(days=1)).isoformat())
            await app.claim(member, slug)
    finally:
        await container.close()

    assert taskreward("run-job", "mark-overdue", "--date", app.today.isoformat()).strip() == "mark-overdue: 1"
    assert taskreward("run-job", "mark-overdue").strip() == "mark-overdue: 0"
    assert [m["Subject"] for m in smtp.to(member.user.email)] == ["Overdue: Renew the domain"]
