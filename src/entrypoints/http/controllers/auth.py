"""Account and sign-in paths under /api/auth/."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from application import accounts, sessions
from application.auth import AuthDeps
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

AuthService = NamedDependency[AuthDeps]
CurrentUser = NamedDependency[User]


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/send-otp/", status_code=HTTP_202_ACCEPTED)
    async def send_otp(self, request: Request[Any, Any, Any], data: JSONBody[SendOtpIn], auth: AuthService) -> Message:
        await accounts.send_otp(accounts.SendOtp(data.email, client_address(request)), auth)
        return Message("If this address can receive mail, a message is on its way.")

    @post("/verify-otp/", status_code=HTTP_200_OK)
    async def verify_otp(
        self, request: Request[Any, Any, Any], data: JSONBody[VerifyOtpIn], auth: AuthService
    ) -> EmailTokenOut:
        cmd = accounts.VerifyOtp(data.email, data.otp, client_address(request))
        return EmailTokenOut(await accounts.verify_otp(cmd, auth))

    @post("/register/")
    async def register(self, data: JSONBody[RegisterIn], auth: AuthService) -> UserOut:
        return await _register(data, Role.MEMBER, auth)

    @post("/register/manager/")
    async def register_manager(self, data: JSONBody[RegisterIn], auth: AuthService) -> UserOut:
        return await _register(data, Role.MANAGER, auth)

    @post("/login/", status_code=HTTP_200_OK)
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], auth: AuthService) -> TokenOut:
        cmd = sessions.Login(data.email, data.password, client_address(request), data.totp)
        return TokenOut.of(await sessions.login(cmd, auth))

    @post("/token/refresh/", status_code=HTTP_200_OK)
    async def refresh(self, data: JSONBody[RefreshIn], auth: AuthService) -> TokenOut:
        return TokenOut.of(await sessions.refresh(data.refresh, auth))

    @post("/logout/", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, data: JSONBody[RefreshIn], auth: AuthService) -> None:
        await sessions.logout(data.refresh, auth)

    @get("/me/", security=[{"BearerToken": []}])
    async def me(self, current_user: CurrentUser) -> UserOut:
        return UserOut.of(current_user)

    @post("/password/change/", status_code=HTTP_200_OK, security=[{"BearerToken": []}])
    async def change_password(
        self, data: JSONBody[ChangePasswordIn], current_user: CurrentUser, auth: AuthService
    ) -> TokenOut:
        cmd = accounts.ChangePassword(current_user, data.current_password, data.new_password)
        return TokenOut.of(await accounts.change_password(cmd, auth))


async def _register(data: RegisterIn, role: Role, auth: AuthDeps) -> UserOut:
    cmd = accounts.Register(data.email_token, data.password, data.full_name, role)
    return UserOut.of(await accounts.register(cmd, auth))
