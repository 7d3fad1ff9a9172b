"""Sign-ins: each device or browser a person signed in from, until it is ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.ids import new_id

MAX_USER_AGENT_LENGTH = 256
MAX_ADDRESS_LENGTH = 64
# Last use is written at most this often, so a busy session does not write on every request.
TOUCH_EVERY = timedelta(minutes=5)
# A sign-in unused this long is gone (no token or page session lives longer); ended ones stay a week.
SIGN_IN_KEPT = timedelta(days=30)


class SignInKind(StrEnum):
    API = "api"  # a refresh-token family
    PAGE = "page"  # a browser's page session


@dataclass(frozen=True)
class Client:
    """Where a sign-in came from, as the request told it (shown to its owner, never trusted)."""

    address: str = "unknown"
    user_agent: str = ""

    def clipped(self) -> Client:
        return Client(self.address[:MAX_ADDRESS_LENGTH], self.user_agent[:MAX_USER_AGENT_LENGTH])


@dataclass
class SignIn:
    user_id: UUID
    kind: SignInKind
    created_at: datetime
    last_used_at: datetime
    client_address: str
    user_agent: str
    ended_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def start(cls, user_id: UUID, kind: SignInKind, client: Client, now: datetime) -> SignIn:
        client = client.clipped()
        return cls(user_id, kind, now, now, client.address, client.user_agent)

    @property
    def is_live(self) -> bool:
        return self.ended_at is None

    def end(self, now: datetime) -> None:
        if self.ended_at is None:
            self.ended_at = now

    def is_stale(self, now: datetime) -> bool:
        return now - self.last_used_at >= TOUCH_EVERY
