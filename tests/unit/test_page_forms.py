"""Form posts read into the API's schemas: the API's limits apply, with messages a person can act on."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import InvalidInput
from entrypoints.http.pages.forms import addresses, parse, whole_number
from entrypoints.http.pages.layout import local_path
from entrypoints.http.schemas.projects import InviteIn
from entrypoints.http.schemas.work import RedeemIn, TaskIn


def test_text_fields_become_the_schemas_types_and_blanks_take_the_defaults() -> None:
    task = parse(TaskIn, {"name": "Rake", "points": "7", "claim_limit": "", "due_date": "2026-05-01", "other": "x"})
    assert (task.name, task.points, task.claim_limit, task.due_date.isoformat()) == ("Rake", 7, 1, "2026-05-01")


@pytest.mark.parametrize(
    ("schema", "fields", "message", "field"),
    [
        (TaskIn, {"name": ""}, "Name is required.", "name"),
        (TaskIn, {"name": "x", "points": "seven"}, "Points must be a whole number.", "points"),
        (TaskIn, {"name": "x", "points": "-1"}, "Points must be at least 0.", "points"),
        (TaskIn, {"name": "x" * 201}, "Name must be at most 200 characters.", "name"),
        (TaskIn, {"name": "x", "due_date": "tomorrow"}, "Due date must be a date (YYYY-MM-DD).", "due_date"),
        (TaskIn, {"name": "bell\x07"}, "Name holds characters that are not allowed.", "name"),
        (RedeemIn, {"points": "0"}, "Points must be at least 1.", "points"),
        (InviteIn, {"emails": []}, "Emails is required.", "emails"),
    ],
)
def test_refusals_name_the_field_and_the_rule(schema: type, fields: dict[str, Any], message: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse(schema, fields)
    assert refused.value.detail == message
    assert refused.value.field == field


def test_addresses_are_split_on_lines_commas_and_spaces() -> None:
    assert addresses("a@x.test, b@x.test\nc@x.test;d@x.test  ") == ["a@x.test", "b@x.test", "c@x.test", "d@x.test"]


def test_hours_and_days_become_seconds() -> None:
    assert whole_number({"claim_hours": "3"}, "claim_hours", scale=3600) == 10_800
    assert whole_number({"claim_hours": " "}, "claim_hours", scale=3600) is None
    with pytest.raises(InvalidInput):
        whole_number({"claim_hours": "1.5"}, "claim_hours", scale=3600)


@pytest.mark.parametrize("target", ["//evil.test/", "https://evil.test/", "/\\evil.test", "", None, "wallet/"])
def test_only_paths_on_this_site_are_returned_to(target: str | None) -> None:
    assert local_path(target, "/") == "/"


def test_a_local_path_is_kept() -> None:
    assert local_path("/projects/garden/?overdue=true", "/") == "/projects/garden/?overdue=true"
