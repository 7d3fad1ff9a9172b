"""Forgotten passwords: ask for a link by email, then choose a new password on the page it opens."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from application import password_reset
from domain.errors import DomainError
from domain.recovery import RESET_LIFETIME
from domain.verification import MAX_SECRET_TOKEN_LENGTH
from entrypoints.http.dependencies import client_address
from entrypoints.http.pages.forms import parse, read_form
from entrypoints.http.pages.layout import ContainerDep, done, page
from entrypoints.http.problems import STATUS_BY_KIND
from entrypoints.http.schemas.account import ForgotIn, ResetIn

TokenParam = Annotated[str, QueryParameter(max_length=MAX_SECRET_TOKEN_LENGTH)]
SENT = "If an account has this address, a link to reset its password is on its way."
MINUTES = int(RESET_LIFETIME.total_seconds() // 60)


class PasswordPages(Controller):
    include_in_schema = False
    path = "/password"

    @get("/forgot/")
    async def forgot_form(self) -> Template:
        return page("password_forgot.html", None, email="", minutes=MINUTES)

    @post("/forgot/")
    async def forgot(self, request: Request[Any, Any, Any], container: ContainerDep) -> Template:
        fields = await read_form(request)
        try:
            email = parse(ForgotIn, fields).email
            await password_reset.forgot_password(email, client_address(request), container.identity)
        except DomainError as exc:
            context = {"email": fields.get("email", ""), "minutes": MINUTES, "error": exc.detail}
            return page("password_forgot.html", None, status=STATUS_BY_KIND[exc.kind], **context)
        return page("password_forgot.html", None, sent=SENT, email=email, minutes=MINUTES)

    @get("/reset/")
    async def reset_form(self, token: TokenParam = "") -> Template:
        return page("password_reset.html", None, token=token)

    @post("/reset/")
    async def reset(self, request: Request[Any, Any, Any], container: ContainerDep) -> Template | Redirect:
        fields = await read_form(request)
        try:
            data = parse(ResetIn, fields)
            await password_reset.reset_password(
                password_reset.ResetPassword(data.token, data.new_password), container.identity
            )
        except DomainError as exc:
            context = {"token": fields.get("token", ""), "error": exc.detail}
            return page("password_reset.html", None, status=STATUS_BY_KIND[exc.kind], **context)
        return done(request, "Your password is set, and every session was signed out. Sign in with it now.", "/signin/")
