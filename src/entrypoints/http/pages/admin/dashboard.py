"""The admin panel's first page: the service at a glance, each figure linking to its list."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from application import admin_lists
from entrypoints.http.pages.admin.panel import AdminViewerDep, admin_page
from entrypoints.http.pages.layout import ContainerDep


class DashboardPage(Controller):
    include_in_schema = False

    @get("/")
    async def dashboard(self, admin_viewer: AdminViewerDep, container: ContainerDep) -> Template:
        board = await admin_lists.dashboard(admin_viewer.user, container.queries, container.clock)
        return admin_page("dashboard.html", admin_viewer, "dashboard", board=board)
