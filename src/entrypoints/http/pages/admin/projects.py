"""Admin projects and email deliveries: every live project with its members, and the emails not delivered."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from application import admin_lists, budgets
from application.admin_queries import ProjectFilters
from application.delivery_retries import retry_delivery
from application.queries import PageRequest
from domain.errors import DomainError
from domain.outbox import DeliveryStatus
from domain.projects import ProjectStatus
from entrypoints.bootstrap import retry_policy
from entrypoints.http.controllers.common import SlugParam
from entrypoints.http.pages.admin.panel import AdminViewerDep, SearchText, admin_page, query_of, sensitive
from entrypoints.http.pages.forms import parse, read_form
from entrypoints.http.pages.layout import PAGE_SIZE, ContainerDep, PageCursor, done, refused
from entrypoints.http.schemas.ledger import FundIn


class ProjectFilterForm(msgspec.Struct):
    q: SearchText | None = None
    status: ProjectStatus | None = None
    overdue: bool | None = None


class DeliveryFilterForm(msgspec.Struct):
    status: DeliveryStatus | None = None


class AdminProjectPages(Controller):
    path = "/projects"
    include_in_schema = False

    @get("/")
    async def projects(
        self,
        request: Request[Any, Any, Any],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
        cursor: PageCursor = None,
    ) -> Template:
        query = query_of(request)
        form = parse(ProjectFilterForm, query)
        found = await admin_lists.projects(
            admin_viewer.user,
            ProjectFilters(form.q, form.status, form.overdue),
            PageRequest(PAGE_SIZE, cursor),
            container.queries,
            container.clock,
        )
        return admin_page(
            "projects.html",
            admin_viewer,
            "projects",
            projects=found,
            filters=form,
            query=query,
            cursor=cursor,
            statuses=ProjectStatus,
        )

    @get("/{slug:str}/")
    async def project(
        self,
        slug: SlugParam,
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
        cursor: PageCursor = None,
        budget_cursor: PageCursor = None,
    ) -> Template:
        """The project, its budget with its transfers (paged by `budget_cursor`), and its members (`cursor`)."""
        admin, c = admin_viewer.user, container
        found = await admin_lists.project_page(admin, slug, PageRequest(PAGE_SIZE, cursor), c.queries, c.clock)
        budget = await budgets.budget_page(slug, admin, PageRequest(PAGE_SIZE, budget_cursor), c.queries, c.uow)
        context: dict[str, Any] = {"view": found, "project": found.project, "cursor": cursor}
        return admin_page(
            "project.html", admin_viewer, "projects", budget=budget, budget_cursor=budget_cursor, **context
        )

    @post("/{slug:str}/budget/")
    async def grant(
        self, request: Request[Any, Any, Any], slug: SlugParam, admin_viewer: AdminViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        """Points into the project's budget from the treasury (or, negative, unreserved points back): sudo mode."""
        fields, back = await read_form(request), f"/admin/projects/{slug}/"
        try:
            data = parse(FundIn, fields)
        except DomainError as exc:
            return refused(request, exc, back)

        async def act() -> str:
            cmd = budgets.FundProject(slug, data.points, data.reason)
            summary = await budgets.fund_project(cmd, admin_viewer.user, container.uow, container.clock)
            moved = f"Granted {data.points} points" if data.points > 0 else f"Took back {-data.points} points"
            return f"{moved}; {summary.available} of the budget are available."

        doing = (
            f"grant this project {data.points} points"
            if data.points > 0
            else f"take {-data.points} unreserved points back from this project's budget"
        )
        return await sensitive(request, admin_viewer, container, fields, doing=doing, back=back, act=act)


class AdminDeliveryPages(Controller):
    path = "/deliveries"
    include_in_schema = False

    @get("/")
    async def deliveries(
        self,
        request: Request[Any, Any, Any],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
        cursor: PageCursor = None,
    ) -> Template:
        query = query_of(request)
        form = parse(DeliveryFilterForm, query)
        found = await admin_lists.deliveries(
            admin_viewer.user, form.status, PageRequest(PAGE_SIZE, cursor), container.queries
        )
        context: dict[str, Any] = {"deliveries": found, "filters": form, "query": query, "cursor": cursor}
        return admin_page("deliveries.html", admin_viewer, "deliveries", **context)

    @post("/{outbox_id:uuid}/retry/")
    async def retry(
        self,
        request: Request[Any, Any, Any],
        outbox_id: FromPath[UUID],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
    ) -> Redirect:
        """The Retry button of a failed email: sent again now, with a fresh day of retries (audited)."""
        c, back = container, "/admin/deliveries/?status=failed"
        try:
            found = await retry_delivery(
                outbox_id, admin_viewer.user, c.uow, c.queue, c.clock, retry_policy(c.settings)
            )
        except DomainError as exc:
            return refused(request, exc, back)
        return done(request, f"The email to {found.to} is being sent again.", back)
