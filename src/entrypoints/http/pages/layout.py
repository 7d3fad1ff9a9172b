"""What every page handler shares: rendering inside the layout, going back after a form, and flash messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.users import User
from entrypoints.bootstrap import Container
from entrypoints.http.pages.session import Viewer

ContainerDep = NamedDependency[Container]
Me = NamedDependency[User]
ViewerDep = NamedDependency[Viewer]
VisitorDep = NamedDependency[Viewer | None]
PageCursor = Annotated[str | None, QueryParameter(max_length=200)]
PAGE_SIZE = 20


def page(template: str, viewer: Viewer | None, *, status: int = 200, **context: Any) -> Template:
    """A page inside the layout; `status` is the answer's HTTP status, never a template variable."""
    return Template(template, context={"viewer": viewer, **context}, status_code=status)


def local_path(raw: str | None, default: str) -> str:
    """Only a path on this site may be returned to, never another host."""
    if raw and raw.startswith("/") and not raw.startswith(("//", "/\\")) and len(raw) <= 500:
        return raw
    return default


def go(path: str) -> Redirect:
    """After a form: 303, so reloading the next page does not post the form again."""
    return Redirect(path=path, status_code=303)


def done(request: Request[Any, Any, Any], message: str, back: str) -> Redirect:
    flash(request, message, "ok")
    return go(back)


def refused(request: Request[Any, Any, Any], error: DomainError | str, back: str) -> Redirect:
    flash(request, error.detail if isinstance(error, DomainError) else error, "error")
    return go(back)


def when(value: datetime | date | None, time_zone: str = "UTC") -> str:
    """A date or time as the viewer reads it, in their time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def label(value: str) -> str:
    """`in_progress` as "In progress"."""
    return value.replace("_", " ").capitalize()


def duration(value: timedelta | None) -> str:
    """How long something has lasted, roughly: "3 days", "5 hours", "under a minute"."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "under a minute"


TEMPLATE_FILTERS = {"when": when, "label": label, "duration": duration}
