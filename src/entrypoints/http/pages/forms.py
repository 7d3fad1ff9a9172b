"""Form posts read into the API's own request schemas, so a page obeys the very limits the API does."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request

from application.queries import TaskFilters
from domain.errors import InvalidInput

T = TypeVar("T", bound=msgspec.Struct)
MAX_FIELD = 20_000

_READABLE = [
    (re.compile(r"Expected `int`, got `str`"), "must be a whole number"),
    (re.compile(r"Expected `int` >= (-?\d+)"), "must be at least {0}"),
    (re.compile(r"Expected `int` <= (-?\d+)"), "must be at most {0}"),
    (re.compile(r"Expected `str` of length >= 1"), "is required"),
    (re.compile(r"Expected `str` of length >= (\d+)"), "must be at least {0} characters"),
    (re.compile(r"Expected `str` of length <= (\d+)"), "must be at most {0} characters"),
    (re.compile(r"Expected `str` matching regex"), "holds characters that are not allowed"),
    (re.compile(r"Expected `array` of length >= 1"), "is required"),
    (re.compile(r"Expected `array` of length <= (\d+)"), "may hold at most {0} entries"),
    (re.compile(r"Invalid (RFC3339 encoded )?date"), "must be a date (YYYY-MM-DD)"),
    (re.compile(r"Object missing required field `(\w+)`"), "is required"),
]


async def read_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The text fields of a posted form (the last value of a repeated name); files are read separately."""
    form = await request.form()
    return {name: value[:MAX_FIELD] for name, value in form.items() if isinstance(value, str)}


def field_label(name: str) -> str:
    return name.replace("_seconds", "").replace("_", " ").capitalize()


def _readable(error: msgspec.ValidationError) -> tuple[str, str | None]:
    text = str(error)
    path = re.search(r"at `\$\.(\w+)", text)
    missing = re.search(r"Object missing required field `(\w+)`", text)
    name = path.group(1) if path else missing.group(1) if missing else None
    for pattern, wording in _READABLE:
        found = pattern.search(text)
        if found:
            groups = [g for g in found.groups() if g and not g.startswith("RFC")]
            return (f"{field_label(name)} " if name else "") + wording.format(*groups) + ".", name
    return text, name


def parse(schema: type[T], fields: Mapping[str, Any]) -> T:
    """Blank fields are left out, so the schema's defaults apply; numbers and dates arrive as text."""
    given = {name: fields[name] for name in schema.__struct_fields__ if name in fields and fields[name] != ""}
    try:
        return msgspec.convert(given, schema, strict=False)
    except msgspec.ValidationError as exc:
        message, name = _readable(exc)
        raise InvalidInput(message, field=name) from exc


def whole_number(fields: Mapping[str, str], name: str, *, scale: int = 1) -> int | None:
    """An optional number given in larger units (hours, days) for a field kept in seconds."""
    raw = fields.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise InvalidInput(f"{field_label(name)} must be a whole number.", field=name)
    return int(raw) * scale


HOUR = 3600
DAY = 24 * HOUR


def task_fields(fields: Mapping[str, str]) -> dict[str, Any]:
    """The task forms ask for hours and days; the API's schema counts seconds."""
    return {
        **fields,
        "claim_duration_seconds": whole_number(fields, "claim_hours", scale=HOUR),
        "auto_approve_after_seconds": whole_number(fields, "auto_approve_days", scale=DAY),
    }


def addresses(raw: str) -> list[str]:
    """Email addresses typed one per line or separated by commas or spaces."""
    return [part for part in re.split(r"[\s,;]+", raw) if part]


class TaskFilterForm(msgspec.Struct):
    """The project page's task filters, as its GET form sends them."""

    status: Annotated[str, msgspec.Meta(pattern="^(open|closed)$")] | None = None
    overdue: bool | None = None
    due_before: date | None = None
    due_after: date | None = None

    def filters(self) -> TaskFilters:
        is_open = None if self.status is None else self.status == "open"
        return TaskFilters(is_open=is_open, overdue=self.overdue, due_before=self.due_before, due_after=self.due_after)
