"""Admin users: search and filters; one account's history; changing its role, deactivating or reactivating it,
and adjusting its wallet, each in sudo mode."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from application import admin, admin_lists, listing, profile, two_factor, wallet
from application.admin_lists import UserTab
from application.queries import PageRequest
from domain.assignments import AssignmentStatus
from domain.errors import DomainError
from domain.users import Role
from entrypoints.http.pages.admin.panel import AdminViewerDep, SearchText, admin_page, query_of, sensitive
from entrypoints.http.pages.forms import parse, read_form
from entrypoints.http.pages.layout import PAGE_SIZE, ContainerDep, PageCursor, refused
from entrypoints.http.schemas.work import AdjustIn, UserPatch


class UserFilterForm(msgspec.Struct):
    q: SearchText | None = None
    role: Role | None = None
    active: bool | None = None
    joined_from: date | None = None
    joined_to: date | None = None


def _user_path(user_id: UUID) -> str:
    return f"/admin/users/{user_id}/"


def _doing(role: Role | None, active: bool | None) -> str:
    steps = [] if role is None else [f"make this account {'an' if role is Role.ADMIN else 'a'} {role.value}"]
    if active is not None:
        steps.append("reactivate this account" if active else "deactivate this account")
    return " and ".join(steps)


def _consequences(role: Role | None, active: bool | None) -> str:
    if active is False:
        return "the account is deactivated, its sessions ended and its open claims released."
    if role is not None:
        return f"the account is now {'an' if role is Role.ADMIN else 'a'} {role.value}; its sessions ended."
    return "the account may sign in again."


class AdminUserPages(Controller):
    path = "/users"
    include_in_schema = False

    @get("/")
    async def users(
        self,
        request: Request[Any, Any, Any],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
        cursor: PageCursor = None,
    ) -> Template:
        query = query_of(request)
        form = parse(UserFilterForm, query)
        found = await listing.users_for_admin(
            admin_viewer.user,
            form.role,
            form.active,
            form.q,
            PageRequest(PAGE_SIZE, cursor),
            container.queries,
            (form.joined_from, form.joined_to),
        )
        context: dict[str, Any] = {"users": found, "filters": form, "query": query, "cursor": cursor, "roles": Role}
        return admin_page("users.html", admin_viewer, "users", **context)

    @get("/{user_id:uuid}/")
    async def user(
        self,
        user_id: FromPath[UUID],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
        tab: FromQuery[UserTab] = UserTab.ASSIGNMENTS,
        status: FromQuery[AssignmentStatus | None] = None,
        cursor: PageCursor = None,
    ) -> Template:
        found = await admin_lists.user_page(
            admin_viewer.user,
            user_id,
            tab,
            status.value if status else None,
            PageRequest(PAGE_SIZE, cursor),
            container.queries,
        )
        return admin_page(
            "user.html",
            admin_viewer,
            "users",
            view=found,
            person=found.history.user,
            chosen_status=None if status is None else status.value,
            statuses=AssignmentStatus,
            roles=Role,
            cursor=cursor,
        )

    @post("/{user_id:uuid}/")
    async def update(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
    ) -> Template | Redirect:
        """A new role, or deactivation and reactivation: in sudo mode."""
        fields, back = await read_form(request), _user_path(user_id)
        try:
            change = parse(UserPatch, fields)
        except DomainError as exc:
            return refused(request, exc, back)
        role = Role(change.role) if isinstance(change.role, str) else None
        active = change.is_active if isinstance(change.is_active, bool) else None
        if role is None and active is None:
            return refused(request, "Choose a role, or whether the account is active.", back)
        cmd = admin.UpdateUser(user_id, role=role, is_active=active)

        async def act() -> str:
            user = await admin.update_user(
                cmd, admin_viewer.user, container.uow, container.clock, container.identity.signed_in
            )
            return f"{user.full_name}: done; " + _consequences(role, active)

        return await sensitive(request, admin_viewer, container, fields, doing=_doing(role, active), back=back, act=act)

    @post("/{user_id:uuid}/wallet/")
    async def adjust_wallet(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
    ) -> Template | Redirect:
        fields, back = await read_form(request), _user_path(user_id) + "?tab=ledger"
        try:
            data = parse(AdjustIn, fields)
        except DomainError as exc:
            return refused(request, exc, back)

        async def act() -> str:
            posting = await wallet.adjust_wallet(
                user_id, data.points, data.reason, admin_viewer.user, container.uow, container.clock
            )
            return f"Wallet adjusted by {posting.entry.points:+d} points; the balance is {posting.balance}."

        doing = f"adjust this account's wallet by {data.points:+d} points"
        return await sensitive(request, admin_viewer, container, fields, doing=doing, back=back, act=act)

    @post("/{user_id:uuid}/2fa/reset/")
    async def reset_two_factor(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
    ) -> Template | Redirect:
        fields, back = await read_form(request), _user_path(user_id)

        async def act() -> str:
            user = await two_factor.reset_by_admin(admin_viewer.user, user_id, container.identity)
            return f"{user.full_name}: two-factor sign-in is off and every session ended."

        doing = "reset this account's two-factor sign-in"
        return await sensitive(request, admin_viewer, container, fields, doing=doing, back=back, act=act)

    @post("/{user_id:uuid}/close/")
    async def close(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
    ) -> Template | Redirect:
        fields, back = await read_form(request), _user_path(user_id)

        async def act() -> str:
            await profile.close_by_admin(admin_viewer.user, user_id, container.identity)
            return "The account is closed: name and email removed, sessions ended; its history stays."

        doing = "close this account for good"
        return await sensitive(request, admin_viewer, container, fields, doing=doing, back=back, act=act)
