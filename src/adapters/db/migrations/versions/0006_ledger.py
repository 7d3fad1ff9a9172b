"""ledger: accounts and transfers replace wallets and ledger entries; review history; overdue derived on read

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 13:10:00.000000

Existing points move into the new ledger without any balance changing: every entry becomes a transfer with
the same id (the treasury issues what was credited and takes back what was redeemed). Work in flight keeps
working: each live task with points gets its escrow reserved, and a project's budget is first funded from
the treasury with exactly what its tasks need (reason "migration").
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import adapters.db.types
from domain.ids import new_id

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# As domain.ledger derives account ids, frozen here as this revision wrote them.
ACCOUNT_NAMESPACE = uuid.UUID("6f1c1f0e-5b1a-4d3e-9a57-3f0b8d1e2c44")
UTC_TIME = adapters.db.types.UtcDateTime(timezone=True)

IMMUTABLE_PG = """
CREATE FUNCTION {table}_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{what} are immutable: add a correcting one instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_immutable();
"""
IMMUTABLE_SQLITE = """CREATE TRIGGER {table}_no_{verb} BEFORE {verb} ON {table}
    BEGIN SELECT RAISE(ABORT, '{what} are immutable: add a correcting one instead'); END"""


def make_immutable(table: str, what: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(IMMUTABLE_PG.format(table=table, what=what))
    else:
        for verb in ("update", "delete"):
            op.execute(IMMUTABLE_SQLITE.format(table=table, what=what, verb=verb))


def drop_immutable(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_immutable()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def account_id(kind: str, owner: uuid.UUID | None) -> uuid.UUID:
    return uuid.uuid5(ACCOUNT_NAMESPACE, f"{kind}:{owner.hex if owner else ''}")


# The tables as this revision reads and writes them.
entries_t = sa.table(
    "ledger_entries",
    *(sa.column(n, sa.Uuid) for n in ("id", "user_id", "assignment_id", "actor_id")),
    sa.column("kind", sa.String),
    sa.column("points", sa.BigInteger),
    sa.column("reason", sa.String),
    sa.column("reference", sa.String),
    sa.column("created_at", UTC_TIME),
)
wallets_t = sa.table(
    "wallets", sa.column("user_id", sa.Uuid), *(sa.column(n, sa.BigInteger) for n in ("balance", "earned", "redeemed"))
)
accounts_t = sa.table(
    "ledger_accounts",
    sa.column("id", sa.Uuid),
    sa.column("kind", sa.String),
    sa.column("owner_id", sa.Uuid),
    sa.column("balance", sa.BigInteger),
)
transfers_t = sa.table(
    "ledger_transfers",
    *(sa.column(n, sa.Uuid) for n in ("id", "debit_account_id", "credit_account_id", "actor_id", "assignment_id")),
    sa.column("amount", sa.BigInteger),
    *(sa.column(n, sa.String) for n in ("kind", "reason", "reference")),
    sa.column("created_at", UTC_TIME),
)
reviews_t = sa.table(
    "reviews",
    *(sa.column(n, sa.Uuid) for n in ("id", "assignment_id", "reviewer_id")),
    sa.column("status", sa.String),
    sa.column("feedback", sa.Text),
    sa.column("points", sa.BigInteger),
    sa.column("at", UTC_TIME),
)
tasks_t = sa.table(
    "tasks",
    *(sa.column(n, sa.Uuid) for n in ("id", "project_id")),
    *(sa.column(n, sa.Integer) for n in ("points", "claim_limit", "slots_taken", "approved_slots")),
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("is_open", sa.Boolean),
    sa.column("deleted_at", UTC_TIME),
)
assignments_t = sa.table(
    "assignments",
    *(sa.column(n, sa.Uuid) for n in ("id", "task_id", "reviewer_id")),
    sa.column("status", sa.String),
    sa.column("feedback", sa.Text),
    sa.column("reviewed_at", UTC_TIME),
)


def create_tables() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("(kind = 'treasury') = (owner_id IS NULL)", name=op.f("ck_ledger_accounts_owner")),
        sa.CheckConstraint("kind IN ('treasury', 'budget', 'escrow', 'wallet')", name=op.f("ck_ledger_accounts_kind")),
        sa.CheckConstraint(
            "kind NOT IN ('budget', 'escrow') OR balance >= 0", name=op.f("ck_ledger_accounts_reserve_not_negative")
        ),
        sa.CheckConstraint("kind <> 'wallet' OR balance >= 0", name=op.f("ck_ledger_accounts_wallet_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("kind", "owner_id", name="uq_ledger_accounts_kind_owner"),
    )
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.create_index(
            "uq_ledger_accounts_one_treasury",
            ["kind"],
            unique=True,
            postgresql_where=sa.text("owner_id IS NULL"),
            sqlite_where=sa.text("owner_id IS NULL"),
        )
    op.create_table(
        "ledger_transfers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("debit_account_id", sa.Uuid(), nullable=False),
        sa.Column("credit_account_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("assignment_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_ledger_transfers_amount_positive")),
        sa.CheckConstraint("debit_account_id <> credit_account_id", name=op.f("ck_ledger_transfers_two_accounts")),
        sa.CheckConstraint(
            "kind IN ('funding', 'reserve', 'return', 'reward', 'redemption', 'adjustment')",
            name=op.f("ck_ledger_transfers_kind"),
        ),
        sa.CheckConstraint(
            "(kind = 'reward') = (assignment_id IS NOT NULL)",
            name=op.f("ck_ledger_transfers_reward_pays_an_assignment"),
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_ledger_transfers_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["credit_account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_transfers_credit_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["debit_account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_transfers_debit_account_id_ledger_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_transfers")),
    )
    with op.batch_alter_table("ledger_transfers", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_transfers_credit", ["credit_account_id", "id"], unique=False)
        batch_op.create_index("ix_ledger_transfers_debit", ["debit_account_id", "id"], unique=False)
        batch_op.create_index(
            "uq_ledger_transfers_one_reward",
            ["assignment_id"],
            unique=True,
            postgresql_where=sa.text("kind = 'reward'"),
            sqlite_where=sa.text("kind = 'reward'"),
        )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewer_id", sa.Uuid(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.CheckConstraint("points >= 0 AND (status = 'approved' OR points = 0)", name=op.f("ck_reviews_points")),
        sa.CheckConstraint("status IN ('approved', 'rejected')", name=op.f("ck_reviews_status")),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_reviews_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_reviews_reviewer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_assignment", ["assignment_id", "at"], unique=False)


def derive_overdue_on_read() -> None:
    """Drops the stored overdue flags; counts approved slots, which the flag's rule and the escrow need."""
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_due")
        batch_op.add_column(sa.Column("approved_slots", sa.Integer(), nullable=False, server_default="0"))
    approved = (
        sa.select(sa.func.count())
        .select_from(assignments_t)
        .where(assignments_t.c.task_id == tasks_t.c.id, assignments_t.c.status == "approved")
        .scalar_subquery()
    )
    op.execute(tasks_t.update().values(approved_slots=approved))
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.alter_column("approved_slots", server_default=None)
        batch_op.create_check_constraint(
            op.f("ck_tasks_approved_within_held"), "approved_slots >= 0 AND approved_slots <= slots_taken"
        )
        batch_op.drop_column("is_overdue")
        batch_op.create_index(
            "ix_tasks_due",
            ["due_date"],
            unique=False,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("is_overdue")


class Moves:
    """The transfers this revision writes, and the balances they add up to."""

    def __init__(self) -> None:
        self.transfers: list[dict[str, Any]] = []
        self.accounts: dict[uuid.UUID, dict[str, Any]] = {}

    def move(self, debit: tuple[str, Any], credit: tuple[str, Any], amount: int, **row: Any) -> None:
        ids = []
        for (kind, owner), sign in ((debit, -1), (credit, 1)):
            key = account_id(kind, owner)
            self.accounts.setdefault(key, {"id": key, "kind": kind, "owner_id": owner, "balance": 0})
            self.accounts[key]["balance"] += sign * amount
            ids.append(key)
        self.transfers.append({"debit_account_id": ids[0], "credit_account_id": ids[1], "amount": amount, **row})


def move_points(conn: Any) -> None:
    now, moves = datetime.now(UTC), Moves()
    treasury = ("treasury", None)
    paid: dict[uuid.UUID, int] = {}
    for e in conn.execute(sa.select(entries_t).order_by(entries_t.c.id)).all():
        wallet = ("wallet", e.user_id)
        kind = "reward" if e.kind == "reward" else "redemption" if e.kind == "redemption" else "adjustment"
        debit, credit = (treasury, wallet) if e.points > 0 else (wallet, treasury)
        details = {"reason": e.reason, "reference": e.reference, "actor_id": e.actor_id, "created_at": e.created_at}
        assignment = e.assignment_id if kind == "reward" else None
        moves.move(debit, credit, abs(e.points), id=e.id, kind=kind, assignment_id=assignment, **details)
        if assignment is not None:
            paid[assignment] = abs(e.points)
    needed: dict[uuid.UUID | None, list[tuple[Any, int]]] = defaultdict(list)
    for t in conn.execute(sa.select(tasks_t).where(tasks_t.c.deleted_at.is_(None), tasks_t.c.points > 0)).all():
        slots = (t.claim_limit if t.is_open else t.slots_taken) - t.approved_slots
        if slots > 0:
            needed[t.project_id].append((t, t.points * slots))
    for project_id, owed in needed.items():
        source = treasury if project_id is None else ("budget", project_id)
        stamp = {"reason": "migration", "actor_id": None, "assignment_id": None, "created_at": now}
        if project_id is not None:
            total = sum(points for _, points in owed)
            moves.move(treasury, source, total, id=new_id(), kind="funding", reference=f"project:{project_id}", **stamp)
        for task, points in owed:
            escrow = ("escrow", task.id)
            moves.move(source, escrow, points, id=new_id(), kind="reserve", reference=f"task:{task.slug}", **stamp)
    if moves.accounts:
        conn.execute(accounts_t.insert(), list(moves.accounts.values()))
        conn.execute(transfers_t.insert(), moves.transfers)
    reviewed = sa.select(assignments_t).where(
        assignments_t.c.status.in_(["approved", "rejected"]), assignments_t.c.reviewed_at.is_not(None)
    )
    history = [
        {
            "id": new_id(),
            "assignment_id": a.id,
            "status": a.status,
            "reviewer_id": a.reviewer_id,
            "feedback": a.feedback,
            "points": paid.get(a.id, 0) if a.status == "approved" else 0,
            "at": a.reviewed_at,
        }
        for a in conn.execute(reviewed).all()
    ]
    if history:
        conn.execute(reviews_t.insert(), history)


def upgrade() -> None:
    create_tables()
    derive_overdue_on_read()
    move_points(op.get_bind())
    drop_immutable("ledger_entries")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("uq_ledger_one_reward")
        batch_op.drop_index("ix_ledger_user")
    op.drop_table("ledger_entries")
    op.drop_table("wallets")
    make_immutable("ledger_transfers", "ledger transfers")


def restore_wallets(conn: Any) -> None:
    """Each transfer in or out of a wallet becomes its ledger entry again; the rest of the ledger is dropped."""
    wallet = accounts_t.alias("wallet")
    sides = (
        (transfers_t.c.credit_account_id, 1),
        (transfers_t.c.debit_account_id, -1),
    )
    entries: list[dict[str, Any]] = []
    wallets: dict[uuid.UUID, dict[str, Any]] = {}
    for side, sign in sides:
        rows = conn.execute(
            sa.select(transfers_t, wallet.c.owner_id).join(wallet, wallet.c.id == side).where(wallet.c.kind == "wallet")
        ).all()
        for r in rows:
            points = sign * r.amount
            entries.append(
                {
                    "id": r.id,
                    "user_id": r.owner_id,
                    "kind": r.kind,
                    "points": points,
                    "reason": r.reason,
                    "reference": r.reference,
                    "assignment_id": r.assignment_id,
                    "actor_id": r.actor_id,
                    "created_at": r.created_at,
                }
            )
            held = wallets.setdefault(r.owner_id, {"user_id": r.owner_id, "balance": 0, "earned": 0, "redeemed": 0})
            held["balance"] += points
            held["earned"] += points if r.kind == "reward" else 0
            held["redeemed"] -= points if r.kind == "redemption" else 0
    if entries:
        conn.execute(entries_t.insert(), entries)
        conn.execute(wallets_t.insert(), list(wallets.values()))


def downgrade() -> None:
    op.create_table(
        "wallets",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("earned", sa.BigInteger(), nullable=False),
        sa.Column("redeemed", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_wallets_balance_not_negative")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_wallets_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_wallets")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("assignment_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("kind <> 'redemption' OR points < 0", name=op.f("ck_ledger_entries_redemption_shape")),
        sa.CheckConstraint(
            "kind <> 'reward' OR (points > 0 AND assignment_id IS NOT NULL)",
            name=op.f("ck_ledger_entries_reward_shape"),
        ),
        sa.CheckConstraint(
            "kind IN ('reward', 'redemption', 'adjustment', 'reversal')", name=op.f("ck_ledger_entries_kind")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_ledger_entries_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ledger_entries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_user", ["user_id", "id"], unique=False)
        batch_op.create_index(
            "uq_ledger_one_reward",
            ["assignment_id"],
            unique=True,
            postgresql_where=sa.text("kind = 'reward'"),
            sqlite_where=sa.text("kind = 'reward'"),
        )
    restore_wallets(op.get_bind())
    make_immutable("ledger_entries", "ledger entries")
    drop_immutable("ledger_transfers")
    op.drop_table("reviews")
    op.drop_table("ledger_transfers")
    op.drop_table("ledger_accounts")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_overdue", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_due")
        batch_op.add_column(sa.Column("is_overdue", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_constraint(op.f("ck_tasks_approved_within_held"), type_="check")
        batch_op.drop_column("approved_slots")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tasks_due",
            ["due_date"],
            unique=False,
            postgresql_where=sa.text("deleted_at IS NULL AND NOT is_overdue"),
            sqlite_where=sa.text("deleted_at IS NULL AND NOT is_overdue"),
        )
    for table in ("projects", "tasks"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("is_overdue", server_default=None)
