"""Single-line text (names, titles): one rule for the domain, the wire schemas and the migration that cleans up."""

from __future__ import annotations

import re

from domain.errors import InvalidInput

# Line breaks and every other control character (C0, DEL, C1), the bidirectional overrides, embeddings and
# isolates (text that reads differently from how it is stored), and the zero-width characters (invisible).
NOT_IN_A_LINE = (
    "\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u200b-\\u200d\\u2060\\ufeff"
)
SINGLE_LINE = f"^[^{NOT_IN_A_LINE}]*$"
_FORBIDDEN = re.compile(f"[{NOT_IN_A_LINE}]")


def check_single_line(value: str, field: str, label: str) -> str:
    """`value` unchanged, or `InvalidInput` naming the field when it holds a character no single line may."""
    if _FORBIDDEN.search(value):
        raise InvalidInput(
            f"The {label} must be a single line: no line breaks, control, bidirectional or invisible characters.",
            field=field,
        )
    return value


def as_single_line(value: str) -> str:
    """Each forbidden character turned into a space, runs of spaces into one (for data written before the rule)."""
    return " ".join(_FORBIDDEN.sub(" ", value).split())
