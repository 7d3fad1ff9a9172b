"""Revision 0006 on a database that holds data: wallets and ledger entries become transfers with no balance
changing, work in flight gets its escrow (its project's budget funded with exactly that), reviews keep their
history, every money invariant holds, and the way back restores the wallets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from adapters.db.migrate import downgrade, sync_url, upgrade
from adapters.db.types import UtcDateTime
from application.ledger_check import check_ledger
from domain.ledger import TREASURY, budget_of, escrow_of, wallet_of
from entrypoints.http.app import create_app
from tests.integration.conftest import build, make_settings, quick_accounts

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
ids = sa.Uuid


def table(name: str, *columns: sa.ColumnClause[Any]) -> sa.TableClause:
    return sa.table(name, *columns)


def cols(kind: Any, *names: str) -> list[sa.ColumnClause[Any]]:
    return [sa.column(n, kind) for n in names]


# The tables as revision 0005 left them (0005 only added indexes to 0004's): only what the seed writes.
USERS = table(
    "users",
    *cols(ids, "id"),
    *cols(sa.String, "email", "full_name", "role", "password_hash", "time_zone"),
    *cols(sa.Boolean, "is_active"),
    *cols(sa.Integer, "session_version"),
    *cols(UtcDateTime, "created_at"),
)
PROJECTS = table(
    "projects",
    *cols(ids, "id", "created_by"),
    *cols(sa.String, "slug", "name", "description", "status"),
    *cols(sa.Boolean, "is_overdue"),
    *cols(UtcDateTime, "created_at"),
)
MEMBERSHIPS = table(
    "memberships", *cols(ids, "project_id", "user_id"), *cols(sa.String, "role"), *cols(UtcDateTime, "created_at")
)
TASKS = table(
    "tasks",
    *cols(ids, "id", "project_id", "created_by"),
    *cols(sa.String, "slug", "name", "description"),
    *cols(sa.Integer, "points", "claim_limit", "slots_taken"),
    *cols(sa.Boolean, "is_open", "is_overdue"),
    *cols(UtcDateTime, "created_at", "deleted_at"),
)
ASSIGNMENTS = table(
    "assignments",
    *cols(ids, "id", "task_id", "user_id", "reviewer_id"),
    *cols(sa.String, "origin", "status", "note", "feedback"),
    *cols(UtcDateTime, "claimed_at", "submitted_at", "reviewed_at"),
)
WALLETS = table("wallets", *cols(ids, "user_id"), *cols(sa.BigInteger, "balance", "earned", "redeemed"))
ENTRIES = table(
    "ledger_entries",
    *cols(ids, "id", "user_id", "assignment_id", "actor_id"),
    *cols(sa.String, "kind", "reason", "reference"),
    *cols(sa.BigInteger, "points"),
    *cols(UtcDateTime, "created_at"),
)


@dataclass
class Seeded:
    people: dict[str, uuid.UUID] = field(default_factory=dict)
    tasks: dict[str, uuid.UUID] = field(default_factory=dict)
    work: dict[str, uuid.UUID] = field(default_factory=dict)
    entries: list[uuid.UUID] = field(default_factory=list)
    project: uuid.UUID = field(default_factory=uuid.uuid4)


def seed_at_0005(url: str) -> Seeded:
    s = Seeded()
    engine = sa.create_engine(sync_url(url))
    with engine.begin() as conn:
        for name, role in (("admin", "admin"), ("boss", "manager"), ("ada", "member"), ("bob", "member")):
            s.people[name] = uuid.uuid4()
            conn.execute(
                USERS.insert().values(
                    id=s.people[name],
                    email=f"{name}@example.com",
                    full_name=name,
                    role=role,
                    password_hash="!",
                    time_zone="UTC",
                    is_active=True,
                    session_version=0,
                    created_at=T0,
                )
            )
        conn.execute(
            PROJECTS.insert().values(
                id=s.project,
                created_by=s.people["boss"],
                slug="site",
                name="Site",
                description="",
                status="active",
                is_overdue=False,
                created_at=T0,
            )
        )
        for name, role in (("boss", "manager"), ("ada", "member"), ("bob", "member")):
            conn.execute(
                MEMBERSHIPS.insert().values(project_id=s.project, user_id=s.people[name], role=role, created_at=T0)
            )
        # name: (project?, points, limit, slots taken, open, deleted)
        for name, (in_project, points, limit, taken, is_open, deleted) in {
            "public": (False, 10, 2, 1, True, False),  # one approved: 10 x 1 left
            "open": (True, 5, 3, 1, True, False),  # one in progress: 5 x 3
            "closed": (True, 4, 2, 2, False, False),  # one submitted, one approved: 4 x 1
            "gone": (True, 100, 1, 0, True, True),  # deleted: nothing
            "free": (True, 0, 5, 0, True, False),  # worth nothing: nothing
        }.items():
            s.tasks[name] = uuid.uuid4()
            conn.execute(
                TASKS.insert().values(
                    id=s.tasks[name],
                    project_id=s.project if in_project else None,
                    created_by=s.people["boss"],
                    slug=name,
                    name=name.title(),
                    description="",
                    points=points,
                    claim_limit=limit,
                    slots_taken=taken,
                    is_open=is_open,
                    is_overdue=False,
                    created_at=T0,
                    deleted_at=T0 if deleted else None,
                )
            )
        for label, task, who, status in (
            ("paid", "public", "ada", "approved"),
            ("doing", "open", "bob", "in_progress"),
            ("waiting", "closed", "ada", "submitted"),
            ("done", "closed", "bob", "approved"),
            ("turned_down", "public", "bob", "rejected"),
        ):
            s.work[label] = uuid.uuid4()
            reviewed = status in ("approved", "rejected")
            conn.execute(
                ASSIGNMENTS.insert().values(
                    id=s.work[label],
                    task_id=s.tasks[task],
                    user_id=s.people[who],
                    origin="claimed",
                    status=status,
                    note="",
                    feedback="Not quite" if status == "rejected" else "",
                    claimed_at=T0,
                    submitted_at=T0 if status != "in_progress" else None,
                    reviewed_at=T0 + timedelta(hours=1) if reviewed else None,
                    reviewer_id=s.people["admin"] if reviewed else None,
                )
            )
        for n, (who, kind, points, assignment) in enumerate(
            (
                ("ada", "reward", 10, "paid"),
                ("bob", "reward", 4, "done"),
                ("ada", "adjustment", 7, None),
                ("ada", "redemption", -3, None),
                ("bob", "adjustment", 20, None),
                ("bob", "adjustment", -5, None),
            )
        ):
            entry = uuid.UUID(int=(n + 1) << 80 | 0x7 << 76 | 0b10 << 62)  # time-ordered, like the app's ids
            s.entries.append(entry)
            conn.execute(
                ENTRIES.insert().values(
                    id=entry,
                    user_id=s.people[who],
                    kind=kind,
                    points=points,
                    reason=kind,
                    reference="old",
                    assignment_id=s.work[assignment] if assignment else None,
                    actor_id=None,
                    created_at=T0,
                )
            )
        conn.execute(
            WALLETS.insert(),
            [
                {"user_id": s.people["ada"], "balance": 14, "earned": 10, "redeemed": 3},
                {"user_id": s.people["bob"], "balance": 19, "earned": 4, "redeemed": 0},
            ],
        )
    engine.dispose()
    return s


def balances(url: str) -> dict[uuid.UUID, int]:
    engine = sa.create_engine(sync_url(url))
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, balance FROM ledger_accounts")).all()
    engine.dispose()
    return {uuid.UUID(str(row[0])): int(row[1]) for row in rows}


async def test_the_ledger_revision_moves_existing_points_without_changing_a_balance(
    fresh_url: str, tmp_path: Path
) -> None:
    upgrade(fresh_url, "0005")
    s = seed_at_0005(fresh_url)
    upgrade(fresh_url)

    held = balances(fresh_url)
    assert held[wallet_of(s.people["ada"]).id] == 14
    assert held[wallet_of(s.people["bob"]).id] == 19
    assert held[escrow_of(s.tasks["public"]).id] == 10
    assert held[escrow_of(s.tasks["open"]).id] == 15
    assert held[escrow_of(s.tasks["closed"]).id] == 4
    assert escrow_of(s.tasks["gone"]).id not in held
    assert escrow_of(s.tasks["free"]).id not in held
    assert held[budget_of(s.project).id] == 0, "funded with exactly what its tasks need"
    assert held[TREASURY.id] == -(14 + 19 + 10 + 15 + 4)

    container = build(make_settings(fresh_url, tmp_path))
    try:
        assert [f.invariant.name for f in await check_ledger(container.queries.checks) if not f.holds] == []
        async with container.uow() as work:
            budget = await work.ledger.budget(s.project)
            history = await work.reviews.of(s.work["turned_down"])
        assert (budget.granted, budget.reserved, budget.spent, budget.available) == (19, 19, 0, 0)
        assert [(r.status.value, r.feedback, r.reviewer_id) for r in history] == [
            ("rejected", "Not quite", s.people["admin"])
        ]
        async with AsyncTestClient(app=create_app(container)) as client:
            (admin,) = await quick_accounts(container, "admin", 1, prefix="after")
            for who, wallet in (("ada", (14, 10, 3)), ("bob", (19, 4, 0))):
                summary = await container.queries.wallets.wallet(s.people[who])
                assert (summary.balance, summary.earned, summary.redeemed) == wallet
            # Work in flight keeps working: the submission on the closed task is paid from its escrow.
            approved = await client.post(f"/api/assignments/{s.work['waiting']}/approve/", headers=admin.headers)
            assert approved.status_code == 200, approved.text
            detail = await client.get(f"/api/assignments/{s.work['paid']}/", headers=admin.headers)
            assert [h["status"] for h in detail.json()["history"]] == ["approved"]
        assert (await container.queries.wallets.wallet(s.people["ada"])).balance == 18
        assert [f.invariant.name for f in await check_ledger(container.queries.checks) if not f.holds] == []
    finally:
        await container.close()

    downgrade(fresh_url, "0005")
    engine = sa.create_engine(sync_url(fresh_url))
    with engine.connect() as conn:
        wallets = {
            uuid.UUID(str(r[0])): tuple(r[1:])
            for r in conn.execute(sa.text("SELECT user_id, balance, earned, redeemed FROM wallets"))
        }
        entries = conn.execute(sa.text("SELECT count(*) FROM ledger_entries")).scalar_one()
    engine.dispose()
    assert wallets == {s.people["ada"]: (18, 14, 3), s.people["bob"]: (19, 4, 0)}
    assert entries == 7
