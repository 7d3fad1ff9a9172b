"""Account and sign-in paths under /api/auth/."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from application import accounts, sessions
from application.identity import Identity
from domain.users import Role, User
from entrypoints.http.dependencies import client_address
from entrypoints.http.schemas.auth import (
    ChangePasswordIn,
    EmailTokenOut,
    LoginIn,
    RefreshIn,
    RegisterIn,
    SendOtpIn,
    TokenOut,
    UserOut,
    VerifyOtpIn,
)
from entrypoints.http.schemas.common import Message

IdentityDep = NamedDependency[Identity]
CurrentUser = NamedDependency[User]


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/send-otp/", status_code=HTTP_202_ACCEPTED)
    async def send_otp(
        self, request: Request[Any, Any, Any], data: JSONBody[SendOtpIn], identity: IdentityDep
    ) -> Message:
        await accounts.send_otp(accounts.SendOtp(data.email, client_address(request)), identity)
        return Message("If this address can receive mail, a message is on its way.")

    @post("/verify-otp/", status_code=HTTP_200_OK)
    async def verify_otp(
        self, request: Request[Any, Any, Any], data: JSONBody[VerifyOtpIn], identity: IdentityDep
    ) -> EmailTokenOut:
        cmd = accounts.VerifyOtp(data.email, data.otp, client_address(request))
        return EmailTokenOut(await accounts.verify_otp(cmd, identity))

    @post("/register/")
    async def register(self, data: JSONBody[RegisterIn], identity: IdentityDep) -> UserOut:
        return await _register(data, Role.MEMBER, identity)

    @post("/register/manager/")
    async def register_manager(self, data: JSONBody[RegisterIn], identity: IdentityDep) -> UserOut:
        return await _register(data, Role.MANAGER, identity)

    @post("/login/", status_code=HTTP_200_OK)
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], identity: IdentityDep) -> TokenOut:
        cmd = sessions.Login(data.email, data.password, client_address(request), data.totp)
        return TokenOut.of(await sessions.login(cmd, identity))

    @post("/token/refresh/", status_code=HTTP_200_OK)
    async def refresh(self, data: JSONBody[RefreshIn], identity: IdentityDep) -> TokenOut:
        return TokenOut.of(await sessions.refresh(data.refresh, identity))

    @post("/logout/", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, data: JSONBody[RefreshIn], identity: IdentityDep) -> None:
        await sessions.logout(data.refresh, identity)

    @get("/me/", security=[{"BearerToken": []}])
    async def me(self, current_user: CurrentUser) -> UserOut:
        return UserOut.of(current_user)

    @post("/password/change/", status_code=HTTP_200_OK, security=[{"BearerToken": []}])
    async def change_password(
        self, data: JSONBody[ChangePasswordIn], current_user: CurrentUser, identity: IdentityDep
    ) -> TokenOut:
        cmd = accounts.ChangePassword(current_user, data.current_password, data.new_password)
        return TokenOut.of(await accounts.change_password(cmd, identity))


async def _register(data: RegisterIn, role: Role, identity: Identity) -> UserOut:
    cmd = accounts.Register(data.email_token, data.password, data.full_name, role)
    return UserOut.of(await accounts.register(cmd, identity))
