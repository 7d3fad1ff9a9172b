"""Field types shared by the request schemas."""

from __future__ import annotations

from typing import Annotated

import msgspec

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, examples=["ada@example.com"])]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
# Control characters other than whitespace are refused (PostgreSQL cannot store NUL in text).
# Text may hold tabs and newlines but no other control characters (PostgreSQL refuses NUL outright).
PLAIN_TEXT = r"^[^\x00-\x08\x0e-\x1b\x7f]*$"
FullName = Annotated[str, msgspec.Meta(min_length=1, max_length=150, pattern=PLAIN_TEXT)]
OpaqueToken = Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]
# The lengths matter: `$` also matches before a trailing newline, so the pattern alone lets "123456\n" in.
OtpCode = Annotated[str, msgspec.Meta(min_length=6, max_length=6, pattern=r"^[0-9]{6}$", examples=["042917"])]
TotpCode = Annotated[str, msgspec.Meta(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")]


class Request(msgspec.Struct, forbid_unknown_fields=True):
    """Base of every request body."""


class Message(msgspec.Struct, frozen=True):
    detail: str
