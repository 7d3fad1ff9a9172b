"""A page of a list, and how one is asked for: its size and the cursor where the last one ended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.paging import DEFAULT_PAGE_SIZE

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
