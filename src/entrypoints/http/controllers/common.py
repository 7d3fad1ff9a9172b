"""What every resource controller asks for: the container, the signed-in user and a page request."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter

from application.queries import DEFAULT_PAGE, MAX_PAGE, PageRequest
from domain.slugs import MAX_SLUG_LENGTH, SLUG_PATTERN
from domain.users import User
from entrypoints.bootstrap import Container

ContainerDep = NamedDependency[Container]
CurrentUser = NamedDependency[User]
LimitParam = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="Page size")]
CursorParam = Annotated[str | None, QueryParameter(max_length=200, description="Opaque cursor from next_cursor")]
SlugParam = Annotated[str, PathParameter(pattern=SLUG_PATTERN, max_length=MAX_SLUG_LENGTH)]
BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]


def page_of(limit: int = DEFAULT_PAGE, cursor: str | None = None) -> PageRequest:
    return PageRequest(limit=limit, cursor=cursor)
