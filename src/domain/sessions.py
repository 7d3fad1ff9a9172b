"""Sign-in sessions: refresh tokens that rotate on use, and the family a replay revokes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import InvalidToken, TokenReused
from domain.ids import new_id

MAX_TOKEN_LENGTH = 4096  # a signed token longer than this is not ours


class TokenKind(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


@dataclass(frozen=True)
class TokenClaims:
    kind: TokenKind
    user_id: UUID
    token_id: UUID
    issued_at: datetime
    expires_at: datetime
    session_version: int = 0
    family_id: UUID | None = None


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int
    token_type: str = "Bearer"


@dataclass
class RefreshSession:
    """The server's record of one refresh token; the token itself is a signed JWT naming this id."""

    user_id: UUID
    family_id: UUID
    issued_at: datetime
    expires_at: datetime
    spent_at: datetime | None = None
    revoked_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def start_family(cls, user_id: UUID, now: datetime, expires_at: datetime) -> RefreshSession:
        return cls(user_id=user_id, family_id=new_id(), issued_at=now, expires_at=expires_at)

    def successor(self, now: datetime, expires_at: datetime) -> RefreshSession:
        return RefreshSession(user_id=self.user_id, family_id=self.family_id, issued_at=now, expires_at=expires_at)

    def spend(self, now: datetime) -> None:
        """Rotation: a token is good for one refresh. A second use is a replay."""
        if self.revoked_at is not None or now >= self.expires_at:
            raise InvalidToken()
        if self.spent_at is not None:
            raise TokenReused()
        self.spent_at = now
