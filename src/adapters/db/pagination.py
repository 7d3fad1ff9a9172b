"""Keyset pagination: an opaque cursor holds the sort key of the last row sent."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from application.queries import PageRequest
from domain.errors import InvalidInput
from domain.paging import MAX_PAGE_SIZE


def encode_cursor(*parts: UUID | datetime) -> str:
    text = "|".join(p.hex if isinstance(p, UUID) else p.isoformat() for p in parts)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_id_cursor(cursor: str) -> UUID:
    return UUID(_parts(cursor, 1)[0])


def decode_time_id_cursor(cursor: str) -> tuple[datetime, UUID]:
    stamp, ident = _parts(cursor, 2)
    try:
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError("a cursor time carries its offset")
        return moment.astimezone(UTC), UUID(ident)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput("The cursor is not valid.", field="cursor") from exc


def _parts(cursor: str, count: int) -> list[str]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = text.split("|")
        if len(parts) != count:
            raise ValueError
        if count == 1:
            UUID(parts[0])
        return parts
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput("The cursor is not valid.", field="cursor") from exc


def page_limit(page: PageRequest) -> int:
    if not 1 <= page.limit <= MAX_PAGE_SIZE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE_SIZE}.", field="limit")
    return page.limit


def split_page(rows: list[Any], limit: int) -> tuple[list[Any], bool]:
    """Rows were fetched with one extra to learn whether another page follows."""
    return rows[:limit], len(rows) > limit
