"""Admin paths: accounts, their history, roles, deactivation and wallet adjustments."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from application import admin, listing, wallet
from domain.users import Role
from entrypoints.http.controllers.common import BEARER, ContainerDep, CurrentUser, CursorParam, LimitParam, page_of
from entrypoints.http.controllers.wallet import posting_out
from entrypoints.http.schemas.auth import UserOut
from entrypoints.http.schemas.common import PLAIN_TEXT
from entrypoints.http.schemas.work import AdjustIn, PageOut, PostingOut, UserPatch


class UserHistoryOut(msgspec.Struct):
    user: UserOut
    assignments_by_status: dict[str, int]
    points_earned: int
    points_redeemed: int
    balance: int


class AdminController(Controller):
    path = "/api/admin"
    tags = ["admin"]
    security = BEARER

    @get("/users/")
    async def users(
        self,
        container: ContainerDep,
        current_user: CurrentUser,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
        role: FromQuery[Role | None] = None,
        is_active: FromQuery[bool | None] = None,
        q: Annotated[str | None, QueryParameter(max_length=100, pattern=PLAIN_TEXT)] = None,
        joined_from: Annotated[date | None, QueryParameter(description="Signed up on or after (admin's zone)")] = None,
        joined_to: Annotated[date | None, QueryParameter(description="Signed up on or before")] = None,
    ) -> PageOut[UserOut]:
        page = await listing.users_for_admin(
            current_user, role, is_active, q, page_of(limit, cursor), container.queries, (joined_from, joined_to)
        )
        return PageOut([UserOut.of(u) for u in page.items], page.next_cursor)

    @get("/users/{user_id:uuid}/")
    async def history(
        self, user_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser
    ) -> UserHistoryOut:
        found = await listing.user_history(current_user, user_id, container.queries)
        return UserHistoryOut(
            user=UserOut.of(found.user),
            assignments_by_status=found.assignments_by_status,
            points_earned=found.points_earned,
            points_redeemed=found.points_redeemed,
            balance=found.balance,
        )

    @patch("/users/{user_id:uuid}/")
    async def update(
        self, user_id: FromPath[UUID], data: JSONBody[UserPatch], container: ContainerDep, current_user: CurrentUser
    ) -> UserOut:
        cmd = admin.UpdateUser(
            user_id=user_id,
            role=Role(data.role) if isinstance(data.role, str) else None,
            is_active=data.is_active if isinstance(data.is_active, bool) else None,
        )
        return UserOut.of(await admin.update_user(cmd, current_user, container.uow, container.clock))

    @post("/users/{user_id:uuid}/wallet/adjust/")
    async def adjust(
        self, user_id: FromPath[UUID], data: JSONBody[AdjustIn], container: ContainerDep, current_user: CurrentUser
    ) -> PostingOut:
        posting = await wallet.adjust_wallet(
            user_id, data.points, data.reason, current_user, container.uow, container.clock
        )
        return posting_out(posting)
