"""Bodies of the budget paths."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.ledger import MAX_FUNDING, MAX_REASON_LENGTH
from entrypoints.http.schemas.common import PLAIN_TEXT, Request

Funding = Annotated[int, msgspec.Meta(ge=-MAX_FUNDING, le=MAX_FUNDING, description="Negative: take points back")]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_REASON_LENGTH, pattern=PLAIN_TEXT)]


class FundIn(Request):
    points: Funding
    reason: Reason


class BudgetOut(msgspec.Struct):
    granted: int  # funded by admins, minus what they took back
    reserved: int  # held in the escrows of the project's tasks
    spent: int  # paid to members for approved work
    available: int  # what new or bigger tasks can still reserve


class TransferOut(msgspec.Struct):
    """A transfer as the budget sees it: points positive when they came in."""

    id: UUID
    kind: str
    points: int
    reason: str
    reference: str
    actor_id: UUID | None
    created_at: datetime
