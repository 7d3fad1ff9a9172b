"""Every HTTP request gets an id: bound into each log line it causes, and answered as X-Request-ID (`edge.py`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from uuid import uuid4

HEADER = b"x-request-id"
# A caller's id (a proxy's, say) is kept when it looks like one; anything else gets a fresh id.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_of(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == HEADER:
            given = value.decode("latin-1")
            return given if _ACCEPTED.match(given) else uuid4().hex
    return uuid4().hex
