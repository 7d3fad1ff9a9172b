"""Inserting under a unique slug when a concurrent request may take the same one first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from domain.errors import SlugTaken
from domain.slugs import SLUG_ATTEMPTS, slugify, with_suffix


async def free_slug(name: str, taken: Callable[[str], Awaitable[bool]], reserved: frozenset[str] = frozenset()) -> str:
    """The name's slug, or a suffixed variant when a live item or a reserved path already uses it."""
    slug = slugify(name)
    while slug in reserved or await taken(slug):
        slug = with_suffix(slugify(name))
    return slug


class Slugged(Protocol):
    slug: str


T = TypeVar("T", bound=Slugged)


async def add_under_free_slug(add: Callable[[T], Awaitable[None]], item: T, name: str) -> None:
    """Adds the item; when its slug was taken between the check and the insert, tries another suffix."""
    for attempt in range(SLUG_ATTEMPTS):
        try:
            await add(item)
            return
        except SlugTaken:
            if attempt == SLUG_ATTEMPTS - 1:
                raise
            item.slug = with_suffix(slugify(name))
