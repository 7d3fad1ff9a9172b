"""Field types shared by the request schemas; every limit comes from the domain's constants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import msgspec

from domain import text
from domain.sessions import MAX_TOKEN_LENGTH
from domain.users import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, MAX_PASSWORD_INPUT
from domain.verification import OTP_DIGITS

T = TypeVar("T")

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=MAX_EMAIL_LENGTH, examples=["ada@example.com"])]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_PASSWORD_INPUT)]
# Text may hold tabs and newlines but no other control characters (PostgreSQL refuses NUL outright).
PLAIN_TEXT = r"^[^\x00-\x08\x0e-\x1b\x7f]*$"
# Names and titles: one line, by the domain's rule (no line breaks, control, bidi or zero-width characters).
SINGLE_LINE = text.SINGLE_LINE
FullName = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME_LENGTH, pattern=SINGLE_LINE)]
OpaqueToken = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TOKEN_LENGTH)]
# The lengths matter: `$` also matches before a trailing newline, so the pattern alone lets "123456\n" in.
_DIGITS = rf"^[0-9]{{{OTP_DIGITS}}}$"
OtpCode = Annotated[
    str, msgspec.Meta(min_length=OTP_DIGITS, max_length=OTP_DIGITS, pattern=_DIGITS, examples=["042917"])
]
TotpCode = Annotated[str, msgspec.Meta(min_length=OTP_DIGITS, max_length=OTP_DIGITS, pattern=_DIGITS)]
# A two-factor code from the app (6 digits) or a recovery code (xxxxx-xxxxx).
SecondFactor = Annotated[
    str, msgspec.Meta(min_length=OTP_DIGITS, max_length=11, pattern=r"^[0-9A-Za-z]{5,6}-?[0-9A-Za-z]{0,5}$")
]


class Request(msgspec.Struct, forbid_unknown_fields=True):
    """Base of every request body."""

    def changes(self) -> dict[str, object]:
        """The fields a PATCH body sets, by name."""
        return {f: getattr(self, f) for f in self.__struct_fields__ if getattr(self, f) is not msgspec.UNSET}


class FieldProblem(msgspec.Struct, frozen=True):
    field: str | None
    message: str | None
    source: str | None = None


class ProblemDetails(msgspec.Struct, frozen=True):
    """RFC 9457 problem details, as every error answers (`application/problem+json`)."""

    status: int
    title: str
    detail: str
    code: str
    type: str | None = None
    errors: list[FieldProblem] | None = None  # the fields that were refused, on a 400


class Message(msgspec.Struct, frozen=True):
    detail: str


def out(value: object, shape: type[T]) -> T:
    """A response body from a view or an entity, field by field by name."""
    return msgspec.convert(value, shape, from_attributes=True)


def rendered(shape: type[T]) -> Callable[[object], bytes]:
    """A view turned into the JSON body of `shape`, once: for pages kept in the list cache as bytes."""

    def render(value: object) -> bytes:
        return msgspec.json.encode(msgspec.convert(value, shape, from_attributes=True))

    return render
