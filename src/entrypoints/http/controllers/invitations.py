"""Invitation paths: what a token is for, and accepting it."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from application import invitations, joining
from domain.users import User
from domain.verification import MAX_SECRET_TOKEN_LENGTH, SECRET_TOKEN_PATTERN
from entrypoints.http.controllers.common import BEARER, ContainerDep, problems
from entrypoints.http.schemas.common import out
from entrypoints.http.schemas.projects import AcceptedOut, AcceptIn, InvitationInfoOut

TokenParam = Annotated[
    str, PathParameter(min_length=20, max_length=MAX_SECRET_TOKEN_LENGTH, pattern=SECRET_TOKEN_PATTERN)
]
OptionalUser = NamedDependency[User | None]


class InvitationController(Controller):
    path = "/api/invites"
    tags = ["invitations"]

    @get("/{token:str}/", responses=problems(410))
    async def describe(self, token: TokenParam, container: ContainerDep) -> InvitationInfoOut:
        return out(await invitations.describe_invitation(token, container.uow, container.clock), InvitationInfoOut)

    @post("/accept/{token:str}/", security=[{}, *BEARER], responses=problems(403, 410))
    async def accept(
        self,
        token: TokenParam,
        container: ContainerDep,
        optional_user: OptionalUser,
        data: JSONBody[AcceptIn | None] = None,
    ) -> Response[AcceptedOut]:
        password, full_name = (data.password, data.full_name) if data else (None, None)
        cmd = joining.Accept(token=token, user=optional_user, password=password, full_name=full_name)
        accepted = await joining.accept_invitation(cmd, container.identity)
        return Response(out(accepted, AcceptedOut), status_code=201 if accepted.registered else 200)
