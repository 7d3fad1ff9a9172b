"""A person's own account under /api/auth/: profile, email change, sessions, two-factor, closing it."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from application import profile, sign_ins, two_factor
from application.identity import Identity
from entrypoints.http.controllers.common import BEARER, CurrentUser, CursorParam, LimitParam, page_of
from entrypoints.http.schemas.account import (
    EmailChangeIn,
    EmailConfirmIn,
    PasswordIn,
    ProfileIn,
    RecoveryCodesOut,
    SignInOut,
    TwoFactorCodeIn,
    TwoFactorDisableIn,
    TwoFactorSetupOut,
)
from entrypoints.http.schemas.auth import UserOut
from entrypoints.http.schemas.common import Message, out
from entrypoints.http.schemas.work import PageOut

IdentityDep = NamedDependency[Identity]
SignInDep = NamedDependency[UUID | None]


class AccountController(Controller):
    path = "/api/auth"
    tags = ["account"]
    security = BEARER

    @get("/me/")
    async def me(self, current_user: CurrentUser) -> UserOut:
        return out(current_user, UserOut)

    @patch("/me/")
    async def update_me(self, data: JSONBody[ProfileIn], current_user: CurrentUser, identity: IdentityDep) -> UserOut:
        changes = data.changes()
        cmd = profile.UpdateProfile(current_user, changes.get("full_name"), changes.get("time_zone"))  # type: ignore[arg-type]
        return out(await profile.update_profile(cmd, identity), UserOut)

    @delete("/me/", status_code=HTTP_204_NO_CONTENT)
    async def close_me(self, data: JSONBody[PasswordIn], current_user: CurrentUser, identity: IdentityDep) -> None:
        await profile.close_account(current_user, data.password, identity)

    @post("/email/change/", status_code=HTTP_202_ACCEPTED)
    async def change_email(
        self, data: JSONBody[EmailChangeIn], current_user: CurrentUser, identity: IdentityDep
    ) -> Message:
        await profile.request_email_change(current_user, data.new_email, data.password, identity)
        return Message("A code is on its way to the new address; confirm it at /api/auth/email/change/confirm/.")

    @post("/email/change/confirm/", status_code=HTTP_200_OK)
    async def confirm_email(
        self, data: JSONBody[EmailConfirmIn], current_user: CurrentUser, sign_in_id: SignInDep, identity: IdentityDep
    ) -> UserOut:
        return out(await profile.confirm_email_change(current_user, data.code, sign_in_id, identity), UserOut)

    @get("/sessions/")
    async def list_sessions(
        self,
        current_user: CurrentUser,
        sign_in_id: SignInDep,
        identity: IdentityDep,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
    ) -> PageOut[SignInOut]:
        views = await sign_ins.list_sign_ins(current_user, sign_in_id, page_of(limit, cursor), identity.uow)
        return out(views, PageOut[SignInOut])

    @delete("/sessions/{session_id:uuid}/", status_code=HTTP_204_NO_CONTENT)
    async def end_session(self, session_id: FromPath[UUID], current_user: CurrentUser, identity: IdentityDep) -> None:
        await sign_ins.end_my_sign_in(current_user, session_id, identity.uow, identity.clock, identity.signed_in)

    @post("/2fa/setup/", status_code=HTTP_200_OK)
    async def setup_two_factor(self, current_user: CurrentUser, identity: IdentityDep) -> TwoFactorSetupOut:
        return out(await two_factor.set_up(current_user, identity), TwoFactorSetupOut)

    @post("/2fa/enable/", status_code=HTTP_200_OK)
    async def enable_two_factor(
        self, data: JSONBody[TwoFactorCodeIn], current_user: CurrentUser, sign_in_id: SignInDep, identity: IdentityDep
    ) -> RecoveryCodesOut:
        return RecoveryCodesOut(await two_factor.enable(current_user, data.code, sign_in_id, identity))

    @post("/2fa/disable/", status_code=HTTP_204_NO_CONTENT)
    async def disable_two_factor(
        self,
        data: JSONBody[TwoFactorDisableIn],
        current_user: CurrentUser,
        sign_in_id: SignInDep,
        identity: IdentityDep,
    ) -> None:
        await two_factor.disable(current_user, data.code, data.password, sign_in_id, identity)
