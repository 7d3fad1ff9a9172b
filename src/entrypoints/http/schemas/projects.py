"""Bodies of the project, membership and invitation paths."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.access import ProjectRole
from domain.invitations import MAX_EMAILS_PER_INVITE
from domain.projects import MAX_PROJECT_DESCRIPTION, MAX_PROJECT_NAME, ProjectStatus
from entrypoints.http.schemas.common import PLAIN_TEXT, SINGLE_LINE, Email, FullName, Password, Request

ProjectName = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_PROJECT_NAME, pattern=SINGLE_LINE)]
Description = Annotated[str, msgspec.Meta(max_length=MAX_PROJECT_DESCRIPTION, pattern=PLAIN_TEXT)]


class ProjectIn(Request):
    name: ProjectName
    description: Description = ""
    status: ProjectStatus = ProjectStatus.ACTIVE
    start_date: date | None = None
    due_date: date | None = None


class ProjectPatch(Request):
    name: ProjectName | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    status: ProjectStatus | msgspec.UnsetType = msgspec.UNSET
    start_date: date | msgspec.UnsetType | None = msgspec.UNSET
    due_date: date | msgspec.UnsetType | None = msgspec.UNSET


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


class MemberOut(msgspec.Struct):
    user_id: UUID
    email: str
    full_name: str
    role: str
    joined_at: datetime


class InviteIn(Request):
    emails: Annotated[list[Email], msgspec.Meta(min_length=1, max_length=MAX_EMAILS_PER_INVITE)]
    role: ProjectRole = ProjectRole.MEMBER


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
