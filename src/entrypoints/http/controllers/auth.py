"""Account and sign-in paths under /api/auth/."""

from __future__ import annotations

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from application import accounts, password_reset, sessions
from application.identity import Identity
from domain.sign_ins import Client
from domain.users import Role
from entrypoints.http.controllers.common import BEARER, CurrentUser, problems
from entrypoints.http.dependencies import HttpRequest, client_address, user_agent
from entrypoints.http.schemas.account import ForgotIn, ResetIn
from entrypoints.http.schemas.auth import (
    ChangePasswordIn,
    EmailTokenOut,
    LoginIn,
    LogoutIn,
    RefreshIn,
    RegisterIn,
    SendOtpIn,
    TokenOut,
    UserOut,
    VerifyOtpIn,
)
from entrypoints.http.schemas.common import Message, out

IdentityDep = NamedDependency[Identity]


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/send-otp/", status_code=HTTP_202_ACCEPTED)
    async def send_otp(self, request: HttpRequest, data: JSONBody[SendOtpIn], identity: IdentityDep) -> Message:
        await accounts.send_otp(accounts.SendOtp(data.email, client_address(request)), identity)
        return Message("If this address can receive mail, a message is on its way.")

    @post("/verify-otp/", status_code=HTTP_200_OK)
    async def verify_otp(
        self, request: HttpRequest, data: JSONBody[VerifyOtpIn], identity: IdentityDep
    ) -> EmailTokenOut:
        cmd = accounts.VerifyOtp(data.email, data.otp, client_address(request))
        return EmailTokenOut(await accounts.verify_otp(cmd, identity))

    @post("/register/")
    async def register(self, data: JSONBody[RegisterIn], identity: IdentityDep) -> UserOut:
        cmd = accounts.Register(data.email_token, data.password, data.full_name, Role.MEMBER)
        return out(await accounts.register(cmd, identity), UserOut)

    @post("/register/manager/")
    async def register_manager(self, data: JSONBody[RegisterIn], identity: IdentityDep) -> UserOut:
        cmd = accounts.Register(data.email_token, data.password, data.full_name, Role.MANAGER)
        return out(await accounts.register(cmd, identity), UserOut)

    @post("/login/", status_code=HTTP_200_OK, responses=problems(401, 403))
    async def login(self, request: HttpRequest, data: JSONBody[LoginIn], identity: IdentityDep) -> TokenOut:
        cmd = sessions.Login(data.email, data.password, client_address(request), data.totp, user_agent(request))
        return out(await sessions.login(cmd, identity), TokenOut)

    @post("/token/refresh/", status_code=HTTP_200_OK, responses=problems(401))
    async def refresh(self, data: JSONBody[RefreshIn], identity: IdentityDep) -> TokenOut:
        return out(await sessions.refresh(data.refresh, identity), TokenOut)

    @post("/logout/", status_code=HTTP_204_NO_CONTENT, responses=problems(401))
    async def logout(self, data: JSONBody[LogoutIn], identity: IdentityDep) -> None:
        await sessions.logout(data.refresh, identity, everywhere=data.everywhere)

    @post("/password/forgot/", status_code=HTTP_202_ACCEPTED)
    async def forgot_password(self, request: HttpRequest, data: JSONBody[ForgotIn], identity: IdentityDep) -> Message:
        await password_reset.forgot_password(data.email, client_address(request), identity)
        return Message("If an account has this address, a reset link is on its way.")

    @post("/password/reset/", status_code=HTTP_204_NO_CONTENT)
    async def reset_password(self, data: JSONBody[ResetIn], identity: IdentityDep) -> None:
        await password_reset.reset_password(password_reset.ResetPassword(data.token, data.new_password), identity)

    @post("/password/change/", status_code=HTTP_200_OK, security=BEARER)
    async def change_password(
        self, request: HttpRequest, data: JSONBody[ChangePasswordIn], current_user: CurrentUser, identity: IdentityDep
    ) -> TokenOut:
        client = Client(client_address(request), user_agent(request))
        cmd = accounts.ChangePassword(current_user, data.current_password, data.new_password, client=client)
        return out(await accounts.change_password(cmd, identity), TokenOut)
