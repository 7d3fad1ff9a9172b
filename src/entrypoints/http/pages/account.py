"""Signing in (with a second step for two-factor), signing up with an emailed code, signing out."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from application import accounts, sessions
from domain.errors import DomainError, TwoFactorRequired
from domain.sign_ins import SignInKind
from domain.users import Role
from domain.verification import OTP_LIFETIME
from entrypoints.http.dependencies import client_address, user_agent
from entrypoints.http.pages import session
from entrypoints.http.pages.forms import parse, read_form
from entrypoints.http.pages.layout import ContainerDep, VisitorDep, done, go, local_path, page
from entrypoints.http.problems import STATUS_BY_KIND
from entrypoints.http.schemas.account import SecondFactorIn
from entrypoints.http.schemas.auth import LoginIn, RegisterIn, SendOtpIn, VerifyOtpIn

NextParam = Annotated[str | None, QueryParameter(name="next", max_length=500)]
_SIGNUP = "signup"  # the session keeps a verified code's email token until the account exists
CODE_MINUTES = int(OTP_LIFETIME.total_seconds() // 60)
_TWO_FACTOR = "two_factor"  # whose password passed, until when: the sign-in's second step
TWO_FACTOR_SECONDS = 300


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
        request.session.pop(_TWO_FACTOR, None)
        try:
            data = parse(LoginIn, fields)
            cmd = sessions.Login(
                data.email, data.password, client_address(request), None, user_agent(request), SignInKind.PAGE
            )
            pair = await sessions.login(cmd, container.identity)
        except TwoFactorRequired as exc:
            # The password passed: the record (server side) keeps that for a few minutes, and asks for the code.
            until = container.clock.now().timestamp() + TWO_FACTOR_SECONDS
            request.session[_TWO_FACTOR] = {"user_id": str(exc.user_id), "until": until, "email": data.email}
            return page("signin.html", None, step="code", email=data.email, next=fields.get("next", ""))
        except DomainError as exc:
            context = {"email": fields.get("email", ""), "next": fields.get("next", ""), "error": exc.detail}
            return page("signin.html", None, status=STATUS_BY_KIND[exc.kind], **context)
        await session.start(request, pair, container.identity)
        return go(back)

    @post("/signin/code/")
    async def sign_in_code(self, request: Request[Any, Any, Any], container: ContainerDep) -> Template | Redirect:
        fields = await read_form(request)
        back = local_path(fields.get("next"), "/")
        pending = request.session.get(_TWO_FACTOR) or {}
        if float(pending.get("until", 0)) < container.clock.now().timestamp():
            request.session.pop(_TWO_FACTOR, None)
            error = "That took too long; sign in again."
            return page("signin.html", None, status=401, email=pending.get("email", ""), next=back, error=error)
        try:
            code = parse(SecondFactorIn, fields).code
            cmd = sessions.SecondStep(UUID(pending["user_id"]), code, client_address(request), user_agent(request))
            pair = await sessions.login_second_step(cmd, container.identity)
        except DomainError as exc:
            context = {"step": "code", "email": pending.get("email", ""), "next": back, "error": exc.detail}
            return page("signin.html", None, status=STATUS_BY_KIND[exc.kind], **context)
        request.session.pop(_TWO_FACTOR, None)
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
            login = sessions.Login(
                user.email, data.password, client_address(request), None, user_agent(request), SignInKind.PAGE
            )
            pair = await sessions.login(login, container.identity)
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
