"""Invitation paths: what a token is for, and accepting it."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from application import invitations
from domain.users import User
from entrypoints.http.controllers.common import ContainerDep
from entrypoints.http.schemas.projects import AcceptedOut, AcceptIn, InvitationInfoOut

TokenParam = Annotated[str, PathParameter(min_length=20, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")]
OptionalUser = NamedDependency[User | None]


class InvitationController(Controller):
    path = "/api/invites"
    tags = ["invitations"]

    @get("/{token:str}/")
    async def describe(self, token: TokenParam, container: ContainerDep) -> InvitationInfoOut:
        view = await invitations.describe_invitation(token, container.uow, container.clock)
        return InvitationInfoOut(
            project=view.project.slug,
            project_name=view.project.name,
            email=view.invitation.email,
            role=view.invitation.role.value,
            status=view.state.value,
            expires_at=view.invitation.expires_at,
        )

    @post("/accept/{token:str}/", security=[{}, {"BearerToken": []}])
    async def accept(
        self,
        token: TokenParam,
        container: ContainerDep,
        optional_user: OptionalUser,
        data: JSONBody[AcceptIn | None] = None,
    ) -> Response[AcceptedOut]:
        cmd = invitations.Accept(
            token=token,
            user=optional_user,
            password=data.password if data else None,
            full_name=data.full_name if data else None,
        )
        accepted = await invitations.accept_invitation(cmd, container.identity)
        body = AcceptedOut(project=accepted.project.slug, role=accepted.role.value, user_id=accepted.user.id)
        if accepted.tokens is not None:
            pair = accepted.tokens
            body.access, body.refresh = pair.access, pair.refresh
            body.token_type, body.expires_in = pair.token_type, pair.expires_in
        return Response(body, status_code=201 if accepted.tokens else 200)
