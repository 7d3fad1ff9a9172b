"""Integrity errors mapped to domain errors by the name of the constraint the database says it enforced.

PostgreSQL names it (`diag.constraint_name`); SQLite names a CHECK but lists the table's columns for a
UNIQUE failure, which the schema maps back to its index or constraint. A violation not in the table is
a bug, not a rule: it propagates as it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import Index, PrimaryKeyConstraint, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from adapters.db.tables import metadata
from domain.errors import (
    ActiveClaimHeld,
    AlreadyClaimed,
    AlreadyMember,
    AlreadyRewarded,
    BudgetExceeded,
    DomainError,
    EmailTaken,
    InsufficientPoints,
    SlugTaken,
    TaskFull,
)

REFUSALS: dict[str, type[DomainError]] = {
    "uq_users_email": EmailTaken,
    "uq_tasks_live_slug": SlugTaken,
    "uq_projects_live_slug": SlugTaken,
    "pk_memberships": AlreadyMember,
    "uq_assignments_task_user": AlreadyClaimed,
    "uq_assignments_one_active_claim": ActiveClaimHeld,
    "uq_ledger_transfers_one_reward": AlreadyRewarded,
    "ck_ledger_accounts_wallet_not_negative": InsufficientPoints,
    "ck_ledger_accounts_reserve_not_negative": BudgetExceeded,
    "ck_tasks_slots_within_limit": TaskFull,
}


def _unique_names() -> dict[tuple[str, tuple[str, ...]], str]:
    names: dict[tuple[str, tuple[str, ...]], str] = {}
    for table in metadata.tables.values():
        keys: list[PrimaryKeyConstraint | UniqueConstraint | Index] = [
            c for c in table.constraints if isinstance(c, PrimaryKeyConstraint | UniqueConstraint)
        ]
        keys += [i for i in table.indexes if i.unique]
        for key in keys:
            columns = tuple(c.name for c in key.columns)
            if isinstance(key.name, str):
                names[(table.name, columns)] = key.name
    return names


_UNIQUE_BY_COLUMNS = _unique_names()
_SQLITE_UNIQUE = "UNIQUE constraint failed: "
_SQLITE_CHECK = "CHECK constraint failed: "


def constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        name = getattr(diag, "constraint_name", None)
        return name if isinstance(name, str) else None
    message = str(error.orig)
    if message.startswith(_SQLITE_CHECK):
        return message.removeprefix(_SQLITE_CHECK).strip()
    if message.startswith(_SQLITE_UNIQUE):
        qualified = [part.strip().split(".", 1) for part in message.removeprefix(_SQLITE_UNIQUE).split(",")]
        if all(len(part) == 2 for part in qualified):
            return _UNIQUE_BY_COLUMNS.get((qualified[0][0], tuple(column for _, column in qualified)))
    return None


@asynccontextmanager
async def refusals() -> AsyncIterator[None]:
    """Turns a violation of a known constraint into its domain error; anything else is raised unchanged."""
    try:
        yield
    except IntegrityError as error:
        refusal = REFUSALS.get(constraint_name(error) or "")
        if refusal is None:
            raise
        raise refusal() from error
