"""What every resource controller asks for: the container, the signed-in user and a page request."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.params import PathParameter, QueryParameter

from application.queries import PageRequest
from domain.paging import DEFAULT_PAGE_SIZE, MAX_CURSOR_LENGTH, MAX_PAGE_SIZE, MAX_SEARCH_LENGTH
from domain.slugs import MAX_SLUG_LENGTH, SLUG_PATTERN
from domain.users import User
from entrypoints.bootstrap import Container
from entrypoints.http.contract import BEARER, problems
from entrypoints.http.schemas.common import PLAIN_TEXT

__all__ = ["BEARER", "ContainerDep", "CurrentUser", "page_of", "problems"]

ContainerDep = NamedDependency[Container]
CurrentUser = NamedDependency[User]
LimitParam = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
CursorParam = Annotated[
    str | None, QueryParameter(max_length=MAX_CURSOR_LENGTH, description="Opaque cursor from next_cursor")
]
SearchParam = Annotated[str | None, QueryParameter(max_length=MAX_SEARCH_LENGTH, pattern=PLAIN_TEXT)]
SlugParam = Annotated[str, PathParameter(pattern=SLUG_PATTERN, max_length=MAX_SLUG_LENGTH)]


def page_of(limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None) -> PageRequest:
    return PageRequest(limit=limit, cursor=cursor)


def json_body(content: bytes) -> Response[Any]:
    """Bytes that already are a JSON body (a page kept in the list cache), answered as they are."""
    return Response(content, media_type=MediaType.JSON)
