"""What every admin page shares: only admins get in (anyone else finds nothing there), the panel's layout,
the filter forms read from the query string, and sudo mode before a sensitive action."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from application import admin_lists, sudo
from domain.errors import DomainError
from domain.users import User
from entrypoints.http.dependencies import client_address
from entrypoints.http.pages.forms import parse
from entrypoints.http.pages.layout import ContainerDep, done, page, refused
from entrypoints.http.pages.session import Viewer, provide_viewer
from entrypoints.http.problems import STATUS_BY_KIND
from entrypoints.http.schemas.common import PLAIN_TEXT, Password
from entrypoints.http.schemas.common import Request as RequestSchema

AdminViewerDep = NamedDependency[Viewer]
SearchText = Annotated[str, msgspec.Meta(max_length=100, pattern=PLAIN_TEXT)]
SUDO_CONFIRMED_AT = "sudo_confirmed_at"  # in the server-side session: when the admin last gave their password


async def provide_admin(session_user: NamedDependency[User | None]) -> User:
    return admin_lists.panel_admin(session_user)


async def provide_admin_viewer(admin: NamedDependency[User], container: ContainerDep) -> Viewer:
    return await provide_viewer(admin, container)


def admin_page(template: str, viewer: Viewer, section: str, *, status: int = 200, **context: Any) -> Template:
    return page(f"admin/{template}", viewer, status=status, section=section, **context)


def query_of(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The query string's filters (the cursor aside), to read and to carry into the next page's link."""
    return {name: value for name, value in request.query_params.items() if name != "cursor" and value != ""}


class SudoIn(RequestSchema):
    sudo_password: Password


def _confirmed_at(request: Request[Any, Any, Any]) -> datetime | None:
    raw = request.session.get(SUDO_CONFIRMED_AT)
    try:
        return datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


async def _sudo_gate(
    request: Request[Any, Any, Any], viewer: Viewer, container: Any, fields: dict[str, str], doing: str, back: str
) -> Template | None:
    """None when the admin gave their password in the last ten minutes, or gives it now with this very post;
    otherwise the page asking for it, which posts the same action again with the same fields."""
    identity = container.identity
    if sudo.in_sudo_mode(_confirmed_at(request), identity):
        return None
    echoed = {name: value for name, value in fields.items() if name not in ("_csrf_token", "sudo_password")}
    action = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path  # with its trailing slash
    context: dict[str, Any] = {"action": action, "fields": echoed, "doing": doing, "back": back}
    if "sudo_password" not in fields:
        return admin_page("sudo.html", viewer, "sudo", **context)
    try:
        password = parse(SudoIn, fields).sudo_password
        confirmed = await sudo.confirm_password(viewer.user, password, client_address(request), identity)
    except DomainError as exc:
        return admin_page("sudo.html", viewer, "sudo", status=STATUS_BY_KIND[exc.kind], error=exc.detail, **context)
    request.session[SUDO_CONFIRMED_AT] = confirmed.isoformat()
    return None


async def sensitive(
    request: Request[Any, Any, Any],
    viewer: Viewer,
    container: Any,
    fields: dict[str, str],
    *,
    doing: str,
    back: str,
    act: Callable[[], Awaitable[str]],
) -> Template | Redirect:
    """A sensitive action (role, deactivation, wallet, budget): in sudo mode it runs and reports; otherwise the
    admin is asked for their password first, and the action proceeds once it is given."""
    asked = await _sudo_gate(request, viewer, container, fields, doing, back)
    if asked is not None:
        return asked
    try:
        message = await act()
    except DomainError as exc:
        return refused(request, exc, back)
    return done(request, message, back)
