"""Read models of wallets, notifications and accounts."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, or_, select

from adapters.db.accounts import user_from_row
from adapters.db.ledger import entry_from_row
from adapters.db.notifications import notification_from_row
from adapters.db.pagination import decode_id_cursor, encode_cursor, page_limit, split_page
from adapters.db.reading import Reader, like_pattern
from adapters.db.tables import assignments, ledger_entries, notifications, users, wallets
from application.queries import Page, PageRequest
from application.views import UserHistory
from domain.assignments import AssignmentStatus
from domain.notifications import Notification
from domain.users import Role, User
from domain.wallets import LedgerEntry, Wallet


class SqlWalletQueries(Reader):
    async def wallet(self, user_id: UUID) -> Wallet:
        rows = await self.rows(select(wallets).where(wallets.c.user_id == user_id))
        return Wallet(**rows[0]._mapping) if rows else Wallet(user_id=user_id)

    async def transactions(self, user_id: UUID, page: PageRequest) -> Page[LedgerEntry]:
        limit = page_limit(page)
        query = select(ledger_entries).where(ledger_entries.c.user_id == user_id)
        if page.cursor:
            query = query.where(ledger_entries.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(ledger_entries.c.id.desc()).limit(limit + 1)), limit)
        items = [entry_from_row(row) for row in rows]
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
            wallet = (await conn.execute(select(wallets).where(wallets.c.user_id == user_id))).first()
        by_status = {status.value: 0 for status in AssignmentStatus}
        by_status.update({status: int(count) for status, count in counts.all()})
        return UserHistory(
            user=user_from_row(row),
            assignments_by_status=by_status,
            points_earned=int(wallet.earned) if wallet else 0,
            points_redeemed=int(wallet.redeemed) if wallet else 0,
            balance=int(wallet.balance) if wallet else 0,
        )
