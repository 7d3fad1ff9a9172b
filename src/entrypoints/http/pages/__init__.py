"""The web pages for people: server-rendered, signed in with a page session, every form CSRF-protected."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.di import Provide
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from entrypoints.http.pages.account import AccountPages
from entrypoints.http.pages.admin import admin_router
from entrypoints.http.pages.home import HomePage
from entrypoints.http.pages.invitations import InvitationPage
from entrypoints.http.pages.notifications import NotificationPages
from entrypoints.http.pages.password import PasswordPages
from entrypoints.http.pages.projects import ProjectPages
from entrypoints.http.pages.review import ReviewPages
from entrypoints.http.pages.session import provide_me, provide_session_user, provide_viewer, provide_visitor
from entrypoints.http.pages.settings import SettingsPages
from entrypoints.http.pages.tasks import TaskPages
from entrypoints.http.pages.wallet import WalletPages
from entrypoints.http.pages.work import WorkPages

HTTP_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = HTTP_DIR / "templates"
STATIC = HTTP_DIR / "static"


def page_handlers() -> list[ControllerRouterHandler]:
    pages = Router(
        path="/",
        route_handlers=[
            HomePage,
            AccountPages,
            SettingsPages,
            PasswordPages,
            TaskPages,
            WorkPages,
            WalletPages,
            NotificationPages,
            ProjectPages,
            ReviewPages,
            InvitationPage,
            admin_router(),
        ],
        dependencies={
            "session_user": Provide(provide_session_user),
            "me": Provide(provide_me),
            "viewer": Provide(provide_viewer),
            "visitor": Provide(provide_visitor),
        },
        include_in_schema=False,
    )
    static = create_static_files_router(
        path="/static", directories=[STATIC], include_in_schema=False, send_as_attachment=False
    )
    return [pages, static]
