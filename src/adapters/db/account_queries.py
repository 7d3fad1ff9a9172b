"""Read models of wallets and account entries, notifications and accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import case, func, or_, select, union_all

from adapters.db.accounts import user_from_row
from adapters.db.notifications import notification_from_row
from adapters.db.pagination import decode_id_cursor, encode_cursor, page_limit, split_page
from adapters.db.reading import Reader, like_pattern
from adapters.db.tables import assignments, ledger_accounts, ledger_transfers, notifications, users
from application.queries import Page, PageRequest
from application.views import AccountEntry, UserHistory, WalletSummary
from domain.assignments import AssignmentStatus
from domain.ledger import AccountKey, TransferKind, wallet_of
from domain.notifications import Notification
from domain.users import Role, User


def wallet_summary_query(user_id: UUID) -> Any:
    """Balance, points earned (rewards in) and redeemed (redemptions out), in one statement."""
    wallet, t = wallet_of(user_id).id, ledger_transfers
    earned = select(func.coalesce(func.sum(t.c.amount), 0)).where(
        t.c.credit_account_id == wallet, t.c.kind == TransferKind.REWARD.value
    )
    redeemed = select(func.coalesce(func.sum(t.c.amount), 0)).where(
        t.c.debit_account_id == wallet, t.c.kind == TransferKind.REDEMPTION.value
    )
    balance = select(func.coalesce(func.sum(ledger_accounts.c.balance), 0)).where(ledger_accounts.c.id == wallet)
    parts = {"balance": balance, "earned": earned, "redeemed": redeemed}
    return select(*(part.scalar_subquery().label(name) for name, part in parts.items()))


class SqlWalletQueries(Reader):
    async def wallet(self, user_id: UUID) -> WalletSummary:
        row = (await self.rows(wallet_summary_query(user_id)))[0]
        return WalletSummary(int(row.balance), int(row.earned), int(row.redeemed))


class SqlLedgerQueries(Reader):
    async def entries(self, account: AccountKey, page: PageRequest) -> Page[AccountEntry]:
        """Two index range scans (as debit, as credit) merged: one page, one statement."""
        limit, t, account_id = page_limit(page), ledger_transfers, account.id
        points = case((t.c.credit_account_id == account_id, t.c.amount), else_=-t.c.amount).label("points")
        columns = (t.c.id, t.c.kind, points, t.c.reason, t.c.reference, t.c.actor_id, t.c.created_at)
        sides = []
        for side in (t.c.debit_account_id, t.c.credit_account_id):
            query = select(*columns).where(side == account_id)
            if page.cursor:
                query = query.where(t.c.id < decode_id_cursor(page.cursor))
            sides.append(query.order_by(t.c.id.desc()).limit(limit + 1))
        merged = union_all(*(side.subquery().select() for side in sides)).subquery()
        ordered = select(merged).order_by(merged.c.id.desc()).limit(limit + 1)
        rows, more = split_page(await self.rows(ordered), limit)
        items = [
            AccountEntry(r.id, TransferKind(r.kind), int(r.points), r.reason, r.reference, r.actor_id, r.created_at)
            for r in rows
        ]
        return Page(items, encode_cursor(items[-1].id) if more else None)


class SqlNotificationQueries(Reader):
    async def list(self, user_id: UUID, unread_only: bool, page: PageRequest) -> Page[Notification]:
        limit = page_limit(page)
        query = select(notifications).where(notifications.c.user_id == user_id)
        if unread_only:
            query = query.where(notifications.c.read_at.is_(None))
        if page.cursor:
            query = query.where(notifications.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(notifications.c.id.desc()).limit(limit + 1)), limit)
        items = [notification_from_row(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def unread_count(self, user_id: UUID) -> int:
        query = select(func.count()).where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
        return int((await self.rows(query))[0][0])


class SqlUserQueries(Reader):
    async def users(
        self,
        role: Role | None,
        is_active: bool | None,
        q: str | None,
        page: PageRequest,
        joined: tuple[datetime | None, datetime | None] = (None, None),
    ) -> Page[User]:
        limit = page_limit(page)
        query = select(users)
        since, until = joined
        if since is not None:
            query = query.where(users.c.created_at >= since)
        if until is not None:
            query = query.where(users.c.created_at < until)
        if role is not None:
            query = query.where(users.c.role == role.value)
        if is_active is not None:
            query = query.where(users.c.is_active.is_(is_active))
        if q:
            pattern = like_pattern(q)
            query = query.where(
                or_(users.c.email.like(pattern, escape="\\"), func.lower(users.c.full_name).like(pattern, escape="\\"))
            )
        if page.cursor:
            query = query.where(users.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(users.c.id.desc()).limit(limit + 1)), limit)
        items = [user_from_row(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def history(self, user_id: UUID) -> UserHistory | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(users).where(users.c.id == user_id))).first()
            if row is None:
                return None
            counts = await conn.execute(
                select(assignments.c.status, func.count())
                .where(assignments.c.user_id == user_id)
                .group_by(assignments.c.status)
            )
            wallet = (await conn.execute(wallet_summary_query(user_id))).one()
        by_status = {status.value: 0 for status in AssignmentStatus}
        by_status.update({status: int(count) for status, count in counts.all()})
        return UserHistory(
            user=user_from_row(row),
            assignments_by_status=by_status,
            points_earned=int(wallet.earned),
            points_redeemed=int(wallet.redeemed),
            balance=int(wallet.balance),
        )
