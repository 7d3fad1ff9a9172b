"""Seeds straight into PostgreSQL with set-based SQL (a million tasks take seconds, not hours through the API).

The seeded board is published as an admin publishes through the API: each task's escrow holds its points for
every slot, reserved from the treasury, so approvals draw real points and `taskreward check-ledger` holds.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, text

from adapters.db.pagination import encode_cursor
from adapters.security.tokens import JwtTokenCodec
from domain.ids import new_id
from domain.ledger import TREASURY, escrow_of
from domain.sessions import TokenClaims, TokenKind

TASK_PREFIX = "bench-task-"
OLDER_PREFIX = "bench-older-"  # the scale run's extra tasks, all older than the first ones
HOT_SLUG = "bench-hot"

# A time-ordered id per row like domain.ids.new_id: 48 bits of milliseconds, version 7, a 12-bit counter within the
# millisecond, the variant, random bits. :ms0 is the first millisecond; 4096 rows share each millisecond.
INSERT_TASKS = """
INSERT INTO tasks (id, slug, project_id, name, description, points, claim_limit, slots_taken, approved_slots,
                   due_date, claim_duration_seconds, auto_approve_after_seconds, is_open, image_path,
                   thumbnail_path, created_by, created_at, deleted_at)
SELECT (lpad(to_hex(:ms0 + n / 4096), 12, '0') || '7' || lpad(to_hex(n % 4096), 3, '0') || '8'
        || substr(md5(random()::text), 1, 15))::uuid,
       :prefix || n, NULL, 'Bench task ' || n, 'Seeded for the benchmark', 5, 3, 0, 0,
       NULL, NULL, NULL, true, NULL,
       NULL, :admin, to_timestamp((:ms0 + n / 4096) / 1000.0), NULL
FROM generate_series(0, :count - 1) AS n
RETURNING id, slug, points * claim_limit AS needed
"""

# Positive amounts are reserved from the treasury into each escrow, negative ones returned to it.
MOVE_ESCROWS = """
INSERT INTO ledger_accounts (id, kind, owner_id, balance)
SELECT account, 'escrow', task, amount FROM unnest(CAST(:accounts AS uuid[]), CAST(:tasks AS uuid[]),
                                                    CAST(:amounts AS bigint[])) AS u(account, task, amount)
ON CONFLICT (id) DO UPDATE SET balance = ledger_accounts.balance + excluded.balance
"""
ESCROW_TRANSFERS = """
INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, kind, reason, reference, actor_id,
                              assignment_id, created_at)
SELECT transfer, CASE WHEN amount > 0 THEN :treasury ELSE account END,
       CASE WHEN amount > 0 THEN account ELSE :treasury END, abs(amount),
       CASE WHEN amount > 0 THEN 'reserve' ELSE 'return' END, 'Seeded for the benchmark', 'task:' || slug, :admin,
       NULL, :now
FROM unnest(CAST(:transfers AS uuid[]), CAST(:accounts AS uuid[]), CAST(:slugs AS text[]),
            CAST(:amounts AS bigint[])) AS u(transfer, account, slug, amount)
"""
MOVE_TREASURY = """
INSERT INTO ledger_accounts (id, kind, owner_id, balance) VALUES (:treasury, 'treasury', NULL, :amount)
ON CONFLICT (id) DO UPDATE SET balance = ledger_accounts.balance + excluded.balance
"""
ESCROW_BATCH = 50_000

INSERT_USERS = """
INSERT INTO users (id, email, full_name, role, password_hash, totp_secret, time_zone, is_active, session_version,
                   created_at)
SELECT gen_random_uuid(), :role || n || '@bench.test', 'Bench ' || :role || ' ' || n, :role, 'not-a-hash', NULL,
       'UTC', true, 0, now()
FROM generate_series(0, :count - 1) AS n
RETURNING id, email
"""


@dataclass(frozen=True)
class People:
    admin: uuid.UUID
    members: list[uuid.UUID]


def seed_people(engine: Engine, members: int) -> People:
    with engine.begin() as conn:
        admin = conn.execute(text(INSERT_USERS), {"role": "admin", "count": 1}).one().id
        rows = conn.execute(text(INSERT_USERS), {"role": "member", "count": members}).all()
    by_number = sorted(rows, key=lambda r: int(r.email.removeprefix("member").split("@")[0]))
    return People(admin, [r.id for r in by_number])


def seed_tasks(engine: Engine, admin: uuid.UUID, count: int, *, prefix: str = TASK_PREFIX, before_ms: int = 0) -> int:
    """Inserts `count` tasks whose ids all sort before `before_ms` (now when 0); returns their first millisecond."""
    end_ms = before_ms or int(time.time() * 1000) - 60_000
    ms0 = end_ms - count // 4096 - 1
    with engine.begin() as conn:
        rows = conn.execute(text(INSERT_TASKS), {"ms0": ms0, "prefix": prefix, "admin": admin, "count": count}).all()
        move_escrows(conn, admin, [(r.id, r.slug, int(r.needed)) for r in rows])
    vacuum_analyze(engine)
    return ms0


def move_escrows(conn: Connection, admin: uuid.UUID, moves: list[tuple[uuid.UUID, str, int]]) -> None:
    """(task id, slug, points): each escrow gets its points from the treasury (or gives them back when negative),
    one transfer each, with the balances moved in step."""
    moves = [move for move in moves if move[2]]
    now, treasury = datetime.now(UTC), TREASURY.id
    if moves:  # the treasury first: the transfers name it
        conn.execute(text(MOVE_TREASURY), {"treasury": treasury, "amount": -sum(amount for _, _, amount in moves)})
    for start in range(0, len(moves), ESCROW_BATCH):
        batch = moves[start : start + ESCROW_BATCH]
        values = {
            "accounts": [escrow_of(task).id for task, _, _ in batch],
            "tasks": [task for task, _, _ in batch],
            "slugs": [slug for _, slug, _ in batch],
            "amounts": [amount for _, _, amount in batch],
            "transfers": [new_id() for _ in batch],
        }
        conn.execute(text(MOVE_ESCROWS), {key: values[key] for key in ("accounts", "tasks", "amounts")})
        conn.execute(text(ESCROW_TRANSFERS), {**values, "treasury": treasury, "admin": admin, "now": now})


def vacuum_analyze(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def seed_hot_task(engine: Engine, admin: uuid.UUID, claim_limit: int) -> str:
    """The first task, renamed and given its own claim limit: its escrow follows the new limit."""
    with engine.begin() as conn:
        row = conn.execute(
            text(
                "UPDATE tasks t SET slug = :slug, claim_limit = :limit FROM tasks old WHERE old.id = t.id "
                "AND old.slug = :old RETURNING t.id, t.points * (t.claim_limit - old.claim_limit) AS gap"
            ),
            {"slug": HOT_SLUG, "limit": claim_limit, "old": f"{TASK_PREFIX}0"},
        ).one()
        move_escrows(conn, admin, [(row.id, HOT_SLUG, int(row.gap))])
    return HOT_SLUG


def hot_task_state(engine: Engine) -> tuple[int, int, int]:
    """(claim limit, slots taken, live assignments) of the hot task, read back from the database."""
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT t.claim_limit, t.slots_taken, (SELECT count(*) FROM assignments a WHERE a.task_id = t.id "
                "AND a.status IN ('in_progress', 'submitted', 'approved')) AS held FROM tasks t WHERE t.slug = :slug"
            ),
            {"slug": HOT_SLUG},
        ).one()
    return row.claim_limit, row.slots_taken, row.held


def cursor_paths(engine: Engine, pages: int, limit: int = 50) -> list[str]:
    """List pages that start at `pages` points spread evenly over the whole board, deepest included."""
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM tasks WHERE deleted_at IS NULL")).scalar_one()
        step = max(1, (total - limit) // pages)
        ids = conn.execute(
            text(
                "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id DESC) AS rn FROM tasks "
                "WHERE deleted_at IS NULL) ranked WHERE rn % :step = 0 AND rn <= :last ORDER BY id DESC"
            ),
            {"step": step, "last": total - limit},
        ).scalars()
        return [f"/api/tasks/?limit={limit}&cursor={encode_cursor(i)}" for i in ids][:pages]


def access_tokens(engine: Engine, secret: str, users: list[uuid.UUID], hours: int = 3) -> list[str]:
    """One live sign-in per user, written straight into the table, and an access token of it: a token is
    refused unless its sign-in is live."""
    codec = JwtTokenCodec(secret, issuer="taskreward", audience="taskreward-api")
    now = datetime.now(UTC)
    sign_ins = [(user, new_id()) for user in users]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sign_ins (id, user_id, kind, created_at, last_used_at, client_address, user_agent) "
                "VALUES (:id, :user, 'api', :now, :now, '127.0.0.1', 'bench')"
            ),
            [{"id": sign_in, "user": user, "now": now} for user, sign_in in sign_ins],
        )
    return [
        codec.encode(
            TokenClaims(TokenKind.ACCESS, user, new_id(), now, now + timedelta(hours=hours), family_id=sign_in)
        )
        for user, sign_in in sign_ins
    ]
