"""The account's settings: profile, email, password, two-factor, sessions, and closing the account."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from application import accounts, profile, sign_ins, two_factor
from application.paging import PageRequest
from domain.errors import DomainError
from domain.paging import MAX_PAGE_SIZE
from domain.sign_ins import SignInKind
from domain.users import known_time_zones
from entrypoints.bootstrap import Container
from entrypoints.http.pages import session
from entrypoints.http.pages.forms import parse, read_form
from entrypoints.http.pages.layout import ContainerDep, ViewerDep, done, go, page, refused
from entrypoints.http.pages.session import Viewer
from entrypoints.http.problems import STATUS_BY_KIND
from entrypoints.http.schemas.account import (
    EmailChangeIn,
    EmailConfirmIn,
    PasswordIn,
    ProfileIn,
    TwoFactorCodeIn,
    TwoFactorDisableIn,
)
from entrypoints.http.schemas.auth import ChangePasswordIn

BACK = "/settings/"
_SETUP = "two_factor_setup"  # the shown secret's QR code stays on the page until a code turns it on


async def _settings(
    request: Request[Any, Any, Any], viewer: Viewer, container: Container, *, status: int = 200, **context: Any
) -> Template:
    # The newest hundred: more live sign-ins than that are ended all at once with "Sign out everywhere".
    views = (
        await sign_ins.list_sign_ins(
            viewer.user, session.sign_in_id(request), PageRequest(MAX_PAGE_SIZE), container.uow
        )
    ).items
    zones = sorted(known_time_zones())
    return page("settings.html", viewer, status=status, sessions=views, zones=zones, **context)


class SettingsPages(Controller):
    include_in_schema = False
    path = "/settings"

    @get("/")
    async def settings(self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep) -> Template:
        return await _settings(request, viewer, container)

    @post("/profile/")
    async def save_profile(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        try:
            data = parse(ProfileIn, await read_form(request)).changes()
            cmd = profile.UpdateProfile(viewer.user, data.get("full_name"), data.get("time_zone"))  # type: ignore[arg-type]
            await profile.update_profile(cmd, container.identity)
        except DomainError as exc:
            return await _settings(
                request, viewer, container, status=STATUS_BY_KIND[exc.kind], profile_error=exc.detail
            )
        return done(request, "Your profile is saved.", BACK)

    @post("/password/")
    async def change_password(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        try:
            data = parse(ChangePasswordIn, await read_form(request))
            client = session.client_of(request)
            cmd = accounts.ChangePassword(
                viewer.user, data.current_password, data.new_password, SignInKind.PAGE, client
            )
            pair = await accounts.change_password(cmd, container.identity)
        except DomainError as exc:
            return await _settings(request, viewer, container, status=STATUS_BY_KIND[exc.kind], error=exc.detail)
        await session.start(request, pair, container.identity)
        return done(request, "Your password is changed. Every other session was signed out.", BACK)

    @post("/email/")
    async def change_email(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        try:
            data = parse(EmailChangeIn, await read_form(request))
            await profile.request_email_change(viewer.user, data.new_email, data.password, container.identity)
        except DomainError as exc:
            return await _settings(request, viewer, container, status=STATUS_BY_KIND[exc.kind], email_error=exc.detail)
        return await _settings(request, viewer, container, email_pending=data.new_email)

    @post("/email/confirm/")
    async def confirm_email(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        try:
            code = parse(EmailConfirmIn, await read_form(request)).code
            sid = session.sign_in_id(request)
            user = await profile.confirm_email_change(viewer.user, code, sid, container.identity)
        except DomainError as exc:
            status = STATUS_BY_KIND[exc.kind]
            return await _settings(request, viewer, container, status=status, email_error=exc.detail, email_pending="")
        return done(request, f"Your email is now {user.email}. Every other session was signed out.", BACK)

    @post("/2fa/setup/")
    async def set_up_two_factor(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        try:
            shown = await two_factor.set_up(viewer.user, container.identity)
        except DomainError as exc:
            return refused(request, exc, BACK)
        return await _settings(request, viewer, container, setup=shown)

    @post("/2fa/enable/")
    async def enable_two_factor(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        try:
            code = parse(TwoFactorCodeIn, await read_form(request)).code
            codes = await two_factor.enable(viewer.user, code, session.sign_in_id(request), container.identity)
        except DomainError as exc:
            return await _settings(request, viewer, container, status=STATUS_BY_KIND[exc.kind], tf_error=exc.detail)
        return await _settings(request, viewer, container, recovery_codes=codes)

    @post("/2fa/disable/")
    async def disable_two_factor(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        try:
            data = parse(TwoFactorDisableIn, await read_form(request))
            sid = session.sign_in_id(request)
            await two_factor.disable(viewer.user, data.code, data.password, sid, container.identity)
        except DomainError as exc:
            return await _settings(request, viewer, container, status=STATUS_BY_KIND[exc.kind], tf_error=exc.detail)
        return done(request, "Two-factor sign-in is off. Every other session was signed out.", BACK)

    @post("/sessions/{sign_in:uuid}/end/")
    async def end_session(
        self, request: Request[Any, Any, Any], sign_in: FromPath[UUID], viewer: ViewerDep, container: ContainerDep
    ) -> Redirect:
        try:
            await sign_ins.end_my_sign_in(
                viewer.user, sign_in, container.uow, container.clock, container.identity.signed_in
            )
        except DomainError as exc:
            return refused(request, exc, BACK)
        if sign_in == session.sign_in_id(request):
            request.clear_session()
            return go("/signin/")
        return done(request, "That session is signed out.", BACK)

    @post("/sessions/end-all/")
    async def end_all_sessions(self, request: Request[Any, Any, Any], container: ContainerDep) -> Redirect:
        await session.end(request, container.identity, everywhere=True)
        return go("/signin/")

    @post("/close/")
    async def close_account(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        try:
            password = parse(PasswordIn, await read_form(request)).password
            await profile.close_account(viewer.user, password, container.identity)
        except DomainError as exc:
            return await _settings(request, viewer, container, status=STATUS_BY_KIND[exc.kind], close_error=exc.detail)
        request.clear_session()
        return go("/signin/")
