"""Migration 0008 on both databases: messages handed to a queue that lost them are not done, so they are sent."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Uuid, column, insert, pool, select, table
from sqlalchemy import create_engine as create_sync_engine

from adapters.db.migrate import downgrade, sync_url, upgrade
from adapters.db.tables import outbox
from adapters.db.types import UtcDateTime

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


OLD_OUTBOX = table(
    "outbox",
    column("id", Uuid),
    column("job", String),
    column("payload", JSON),
    column("created_at", UtcDateTime),
    column("sent_at", UtcDateTime),
)
DELIVERIES = table(
    "email_deliveries",
    *(column(name, String) for name in ("to", "template", "status", "last_error")),
    column("outbox_id", Uuid),
    column("attempts", Integer),
    column("updated_at", UtcDateTime),
)


def run(url: str, statement: Any) -> list[dict[str, object]]:
    engine = create_sync_engine(sync_url(url), poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            result = conn.execute(statement)
            return [dict(row._mapping) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_lost_messages_become_due_and_finished_ones_done(fresh_url: str) -> None:
    upgrade(fresh_url, "0007")
    lost, sent, failed, waiting = (uuid.uuid4() for _ in range(4))
    for message_id, sent_at in ((lost, T0), (sent, T0), (failed, T0), (waiting, None)):
        message = {"id": message_id, "job": "send_email", "payload": {}, "created_at": T0, "sent_at": sent_at}
        run(fresh_url, insert(OLD_OUTBOX).values(message))
    for message_id, status, error in ((sent, "sent", ""), (failed, "failed", "550 no such user")):
        delivery = {"outbox_id": message_id, "to": "a@x.io", "template": "otp", "status": status, "attempts": 1}
        run(fresh_url, insert(DELIVERIES).values(**delivery, last_error=error, updated_at=T0 + timedelta(minutes=1)))
    words = ("email", "full_name", "role", "password_hash", "time_zone")
    users = table("users", column("id", Uuid), *(column(w, String) for w in words), column("created_at", UtcDateTime))
    users.append_column(column("is_active", Boolean))
    users.append_column(column("session_version", Integer))
    user = {"email": "a@x.io", "full_name": "Ada\r\nBcc: x\u202e", "role": "member", "password_hash": "!"}
    user |= {"time_zone": "UTC", "is_active": True, "session_version": 0, "created_at": T0}
    run(fresh_url, insert(users).values(id=uuid.uuid4(), **user))
    upgrade(fresh_url)

    assert run(fresh_url, select(users.c.full_name)) == [{"full_name": "Ada Bcc: x"}]
    rows = run(fresh_url, select(outbox.c.id, outbox.c.dispatched_at, outbox.c.done_at, outbox.c.last_error))
    state = {r["id"]: (r["dispatched_at"] is not None, r["done_at"] is not None, r["last_error"]) for r in rows}
    assert state == {
        lost: (True, False, ""),  # handed over, never finished: the sweep takes it once its lease is out
        sent: (True, True, ""),
        failed: (True, True, "550 no such user"),
        waiting: (False, False, ""),
    }
    downgrade(fresh_url, "0007")
    assert len(run(fresh_url, select(OLD_OUTBOX.c.id).where(OLD_OUTBOX.c.sent_at.is_not(None)))) == 3
    upgrade(fresh_url)
