"""The admin panel under /admin/: for admins only (anyone else finds nothing there), on the pages' sessions."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from entrypoints.http.pages.admin.audit import AdminAuditPages
from entrypoints.http.pages.admin.dashboard import DashboardPage
from entrypoints.http.pages.admin.panel import provide_admin, provide_admin_viewer
from entrypoints.http.pages.admin.projects import AdminDeliveryPages, AdminProjectPages
from entrypoints.http.pages.admin.review import AdminReviewPages
from entrypoints.http.pages.admin.tasks import AdminTaskPages
from entrypoints.http.pages.admin.users import AdminUserPages


def admin_router() -> Router:
    return Router(
        path="/admin",
        route_handlers=[
            DashboardPage,
            AdminTaskPages,
            AdminReviewPages,
            AdminUserPages,
            AdminProjectPages,
            AdminDeliveryPages,
            AdminAuditPages,
        ],
        dependencies={"admin": Provide(provide_admin), "admin_viewer": Provide(provide_admin_viewer)},
        include_in_schema=False,
    )
