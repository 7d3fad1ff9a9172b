"""Slugs: readable, URL-safe identifiers made from names."""

from __future__ import annotations

import re
import secrets
import unicodedata

MAX_SLUG_LENGTH = 80
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[: MAX_SLUG_LENGTH - 7].strip("-") or "item"


SLUG_ATTEMPTS = 5


def with_suffix(slug: str) -> str:
    """A variant for when the plain slug is taken: a short random suffix keeps it unguessable-ish and unique."""
    return f"{slug}-{secrets.token_hex(3)}"
