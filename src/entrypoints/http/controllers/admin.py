"""Admin paths: accounts, their history, roles, deactivation and wallet adjustments."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from application import admin, budgets, listing, profile, two_factor, wallet
from domain.users import Role
from entrypoints.http.controllers.common import (
    BEARER,
    ContainerDep,
    CurrentUser,
    CursorParam,
    LimitParam,
    SearchParam,
    SlugParam,
    page_of,
    problems,
)
from entrypoints.http.schemas.auth import UserOut
from entrypoints.http.schemas.common import out
from entrypoints.http.schemas.ledger import BudgetOut, FundIn
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
        q: SearchParam = None,
        joined_from: Annotated[date | None, QueryParameter(description="Signed up on or after (admin's zone)")] = None,
        joined_to: Annotated[date | None, QueryParameter(description="Signed up on or before")] = None,
    ) -> PageOut[UserOut]:
        page = page_of(limit, cursor)
        joined = (joined_from, joined_to)
        found = await listing.users_for_admin(current_user, role, is_active, q, page, container.queries, joined)
        return out(found, PageOut[UserOut])

    @get("/users/{user_id:uuid}/")
    async def history(
        self, user_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser
    ) -> UserHistoryOut:
        return out(await listing.user_history(current_user, user_id, container.queries), UserHistoryOut)

    @patch("/users/{user_id:uuid}/")
    async def update(
        self, user_id: FromPath[UUID], data: JSONBody[UserPatch], container: ContainerDep, current_user: CurrentUser
    ) -> UserOut:
        cmd = msgspec.convert({**data.changes(), "user_id": user_id}, admin.UpdateUser)
        return out(
            await admin.update_user(cmd, current_user, container.uow, container.clock, container.identity.signed_in),
            UserOut,
        )

    @post("/users/{user_id:uuid}/2fa/reset/", status_code=HTTP_200_OK, responses=problems(401, 403, 404))
    async def reset_two_factor(
        self, user_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser
    ) -> UserOut:
        """Turns the account's two-factor off and ends its sign-ins (someone who lost device and codes)."""
        return out(await two_factor.reset_by_admin(current_user, user_id, container.identity), UserOut)

    @post("/users/{user_id:uuid}/close/", status_code=HTTP_200_OK, responses=problems(401, 403, 404))
    async def close(self, user_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser) -> UserOut:
        """Closes the account: deactivated, email and name anonymised; its ledger and work history stay."""
        return out(await profile.close_by_admin(current_user, user_id, container.identity), UserOut)

    @post("/users/{user_id:uuid}/wallet/adjust/", responses=problems(400, 401, 403, 404, 409))
    async def adjust(
        self, user_id: FromPath[UUID], data: JSONBody[AdjustIn], container: ContainerDep, current_user: CurrentUser
    ) -> PostingOut:
        c = container
        posting = await wallet.adjust_wallet(user_id, data.points, data.reason, current_user, c.uow, c.clock)
        return out(posting, PostingOut)

    @post("/projects/{slug:str}/budget/", responses=problems(400, 401, 403, 404, 409))
    async def fund(
        self, slug: SlugParam, data: JSONBody[FundIn], container: ContainerDep, current_user: CurrentUser
    ) -> BudgetOut:
        """Admins only: moves points from the treasury into the project's budget. Negative points take back
        what the budget holds beyond its tasks' escrows; asking for more is 409 `budget_exceeded`."""
        cmd = budgets.FundProject(slug, data.points, data.reason)
        return out(await budgets.fund_project(cmd, current_user, container.uow, container.clock), BudgetOut)
