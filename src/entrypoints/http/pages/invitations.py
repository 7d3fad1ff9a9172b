"""The invitation page, where the emailed link lands: register or sign in, join, and stay signed in."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Template

from application import invitations, joining
from domain.errors import DomainError
from entrypoints.bootstrap import Container
from entrypoints.http.controllers.common import ContainerDep
from entrypoints.http.dependencies import HttpRequest, client_address
from entrypoints.http.pages import session
from entrypoints.http.pages.layout import VisitorDep, done, page
from entrypoints.http.problems import STATUS_BY_KIND
from entrypoints.http.schemas.common import SINGLE_LINE


class InviteForm(msgspec.Struct):
    token: Annotated[str, msgspec.Meta(max_length=200)]
    password: Annotated[str, msgspec.Meta(max_length=1024)]
    full_name: Annotated[str, msgspec.Meta(max_length=150, pattern=SINGLE_LINE)] = ""


async def _invitation_context(token: str, container: Container) -> tuple[dict[str, object], int]:
    try:
        view = await invitations.describe_invitation(token, container.uow, container.clock)
    except DomainError as exc:
        return {"problem": exc.detail, "project_name": None}, 410 if exc.code == "invitation_gone" else 404
    context: dict[str, object] = {
        "token": token,
        "project_name": view.project_name,
        "email": view.email,
        "role": view.role.value,
        "has_account": view.has_account,
        "expires_at": view.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
    }
    return context, 200


class InvitationPage(Controller):
    include_in_schema = False

    @get("/invite_register/")
    async def invite_page(
        self, visitor: VisitorDep, container: ContainerDep, token: Annotated[str, QueryParameter(max_length=200)] = ""
    ) -> Template:
        context, status = await _invitation_context(token, container)
        return page("invite_register.html", visitor, status=status, **context)

    @post("/invite_register/")
    async def accept_from_page(
        self,
        request: HttpRequest,
        visitor: VisitorDep,
        container: ContainerDep,
        data: Annotated[InviteForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        context, status = await _invitation_context(data.token, container)
        if status != 200:
            return page("invite_register.html", visitor, status=status, **context)
        try:
            cmd = joining.Accept(data.token, password=data.password, full_name=data.full_name)
            accepted = await joining.accept_from_page(cmd, client_address(request), container.identity)
        except DomainError as exc:
            return page("invite_register.html", visitor, status=STATUS_BY_KIND[exc.kind], error=exc.detail, **context)
        if accepted.tokens is not None:
            await session.start(request, accepted.tokens, container.identity)
        welcome = f"Welcome to {context['project_name']}: you joined as a {accepted.role.value}."
        return done(request, welcome, f"/projects/{accepted.project}/")
