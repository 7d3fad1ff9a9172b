"""Signing in, signing up with an emailed code, signing out, and the account's settings."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from application import accounts, sessions
from domain.errors import DomainError
from domain.users import Role
from domain.verification import OTP_LIFETIME
from entrypoints.http.dependencies import client_address
from entrypoints.http.pages import session
from entrypoints.http.pages.forms import parse, read_form
from entrypoints.http.pages.layout import ContainerDep, ViewerDep, VisitorDep, done, go, local_path, page
from entrypoints.http.problems import STATUS_BY_KIND
from entrypoints.http.schemas.auth import ChangePasswordIn, LoginIn, RegisterIn, SendOtpIn, VerifyOtpIn

NextParam = Annotated[str | None, QueryParameter(name="next", max_length=500)]
_SIGNUP = "signup"  # the session keeps a verified code's email token until the account exists
CODE_MINUTES = int(OTP_LIFETIME.total_seconds() // 60)


class AccountPages(Controller):
    include_in_schema = False

    @get("/signin/")
    async def sign_in_form(self, visitor: VisitorDep, next_path: NextParam = None) -> Template | Redirect:
        if visitor is not None:
            return go(local_path(next_path, "/"))
        return page("signin.html", None, email="", next=local_path(next_path, ""))

    @post("/signin/")
    async def sign_in(self, request: Request[Any, Any, Any], container: ContainerDep) -> Template | Redirect:
        fields = await read_form(request)
        back = local_path(fields.get("next"), "/")
        try:
            data = parse(LoginIn, fields)
            pair = await sessions.login(
                sessions.Login(data.email, data.password, client_address(request)), container.identity
            )
        except DomainError as exc:
            context = {"email": fields.get("email", ""), "next": fields.get("next", ""), "error": exc.detail}
            return page("signin.html", None, status=STATUS_BY_KIND[exc.kind], **context)
        await session.start(request, pair, container.identity)
        return go(back)

    @get("/signup/")
    async def sign_up_form(self, visitor: VisitorDep) -> Template | Redirect:
        if visitor is not None:
            return go("/")
        return page("signup.html", None, step="email", email="")

    @post("/signup/code/")
    async def send_code(self, request: Request[Any, Any, Any], container: ContainerDep) -> Template:
        fields = await read_form(request)
        try:
            data = parse(SendOtpIn, fields)
            await accounts.send_otp(accounts.SendOtp(data.email, client_address(request)), container.identity)
        except DomainError as exc:
            email = fields.get("email", "")
            return page(
                "signup.html", None, status=STATUS_BY_KIND[exc.kind], step="email", email=email, error=exc.detail
            )
        request.session.pop(_SIGNUP, None)
        return page(
            "signup.html",
            None,
            step="details",
            email=data.email,
            full_name="",
            manager=False,
            code_minutes=CODE_MINUTES,
        )

    @post("/signup/")
    async def sign_up(self, request: Request[Any, Any, Any], container: ContainerDep) -> Template | Redirect:
        fields = await read_form(request)
        manager = fields.get("manager") == "yes"
        verified = request.session.get(_SIGNUP) or {}
        try:
            email = parse(SendOtpIn, fields).email
            token = verified.get("email_token") if verified.get("email") == email else None
            if token is None:
                code = parse(VerifyOtpIn, fields)
                token = await accounts.verify_otp(
                    accounts.VerifyOtp(email, code.otp, client_address(request)), container.identity
                )
                # Kept server-side, so a refused password does not cost the person a new code.
                request.session[_SIGNUP] = {"email": email, "email_token": token}
            data = parse(RegisterIn, {**fields, "email_token": token})
            role = Role.MANAGER if manager else Role.MEMBER
            user = await accounts.register(
                accounts.Register(data.email_token, data.password, data.full_name, role), container.identity
            )
            pair = await sessions.login(
                sessions.Login(user.email, data.password, client_address(request)), container.identity
            )
        except DomainError as exc:
            context = {
                "step": "details",
                "email": fields.get("email", ""),
                "full_name": fields.get("full_name", ""),
                "manager": manager,
                "verified": _SIGNUP in request.session,
                "code_minutes": CODE_MINUTES,
                "error": exc.detail,
            }
            return page("signup.html", None, status=STATUS_BY_KIND[exc.kind], **context)
        await session.start(request, pair, container.identity)
        return done(request, f"Welcome, {user.full_name}! Your account is ready.", "/")

    @get("/signout/")
    async def sign_out_form(self, visitor: VisitorDep) -> Template | Redirect:
        if visitor is None:
            return go("/signin/")
        return page("signout.html", visitor)

    @post("/signout/")
    async def sign_out(self, request: Request[Any, Any, Any], container: ContainerDep) -> Redirect:
        await session.end(request, container.identity)
        return go("/signin/")

    @get("/settings/")
    async def settings(self, viewer: ViewerDep) -> Template:
        return page("settings.html", viewer)

    @post("/settings/password/")
    async def change_password(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        fields = await read_form(request)
        try:
            data = parse(ChangePasswordIn, fields)
            cmd = accounts.ChangePassword(viewer.user, data.current_password, data.new_password)
            pair = await accounts.change_password(cmd, container.identity)
        except DomainError as exc:
            return page("settings.html", viewer, status=STATUS_BY_KIND[exc.kind], error=exc.detail)
        await session.start(request, pair, container.identity)
        return done(request, "Your password is changed. Every other session was signed out.", "/settings/")
