"""Bodies of the project, membership and invitation paths."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from application.queries import InvitationSummary, MemberSummary, ProjectSummary
from entrypoints.http.schemas.common import PLAIN_TEXT, Email, FullName, Password, Request

ProjectName = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=PLAIN_TEXT)]
Description = Annotated[str, msgspec.Meta(max_length=10_000, pattern=PLAIN_TEXT)]
Status = Annotated[str, msgspec.Meta(pattern="^(active|on_hold|completed)$")]
ProjectRoleName = Annotated[str, msgspec.Meta(pattern="^(manager|member)$")]


class ProjectIn(Request):
    name: ProjectName
    description: Description = ""
    status: Status = "active"
    start_date: date | None = None
    due_date: date | None = None


class ProjectPatch(Request):
    name: ProjectName | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    status: Status | msgspec.UnsetType = msgspec.UNSET
    start_date: date | msgspec.UnsetType | None = msgspec.UNSET
    due_date: date | msgspec.UnsetType | None = msgspec.UNSET

    def changes(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__struct_fields__ if getattr(self, f) is not msgspec.UNSET}


class ProjectOut(msgspec.Struct):
    slug: str
    name: str
    description: str
    status: str
    start_date: date | None
    due_date: date | None
    is_overdue: bool
    my_role: str | None
    created_at: datetime

    @classmethod
    def of(cls, p: ProjectSummary) -> ProjectOut:
        return cls(
            p.slug, p.name, p.description, p.status, p.start_date, p.due_date, p.is_overdue, p.my_role, p.created_at
        )


class MemberOut(msgspec.Struct):
    user_id: UUID
    email: str
    full_name: str
    role: str
    joined_at: datetime

    @classmethod
    def of(cls, m: MemberSummary) -> MemberOut:
        return cls(m.user_id, m.email, m.full_name, m.role, m.joined_at)


class InviteIn(Request):
    emails: Annotated[list[Email], msgspec.Meta(min_length=1, max_length=50)]
    role: ProjectRoleName = "member"


class InviteResultOut(msgspec.Struct):
    email: str
    status: int
    outcome: str
    invitation_id: UUID | None = None


class InviteOut(msgspec.Struct):
    results: list[InviteResultOut]


class InvitationOut(msgspec.Struct):
    id: UUID
    email: str
    role: str
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, i: InvitationSummary) -> InvitationOut:
        return cls(i.id, i.email, i.role, i.created_at, i.expires_at)


class InvitationInfoOut(msgspec.Struct):
    project: str
    project_name: str
    email: str
    role: str
    status: str
    expires_at: datetime


class AcceptIn(Request):
    password: Password | None = None
    full_name: FullName | None = None


class AcceptedOut(msgspec.Struct):
    project: str
    role: str
    user_id: UUID
    access: str | None = None
    refresh: str | None = None
    token_type: str | None = None
    expires_in: int | None = None
