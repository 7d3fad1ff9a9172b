"""JWTs signed with HS256 only; the `typ` header names the kind, and PyJWT leaves checking it to us."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import jwt

from domain.errors import InvalidToken
from domain.sessions import TokenClaims, TokenKind

ALGORITHM = "HS256"
_TYP = {TokenKind.ACCESS: "at+jwt", TokenKind.REFRESH: "rt+jwt"}
_REQUIRED = ["iss", "aud", "exp", "iat", "jti", "sub"]
MAX_VERIFIED = 50_000


class JwtTokenCodec:
    def __init__(self, secret: str, *, issuer: str, audience: str) -> None:
        if len(secret.encode()) < 32:
            raise ValueError("the signing secret must be at least 32 bytes")
        self._secret = secret
        self._issuer = issuer
        self._audience = audience
        self._verified: dict[str, TokenClaims] = {}

    def encode(self, claims: TokenClaims) -> str:
        payload: dict[str, Any] = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": str(claims.user_id),
            "jti": str(claims.token_id),
            "iat": int(claims.issued_at.timestamp()),
            "exp": int(claims.expires_at.timestamp()),
        }
        if claims.kind is TokenKind.ACCESS:
            payload["ver"] = claims.session_version
        if claims.family_id is not None:
            payload["fam"] = str(claims.family_id)
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM, headers={"typ": _TYP[claims.kind]})

    def decode(self, token: str, kind: TokenKind) -> TokenClaims:
        # An access token comes back on every request for its whole life: its signature is checked once.
        verified = self._verified.get(token) if kind is TokenKind.ACCESS else None
        if verified is not None:
            if verified.expires_at.timestamp() <= time.time():
                raise InvalidToken()
            return verified
        claims = self._decode(token, kind)
        if kind is TokenKind.ACCESS:
            if len(self._verified) >= MAX_VERIFIED:
                self._verified.clear()
            self._verified[token] = claims
        return claims

    def _decode(self, token: str, kind: TokenKind) -> TokenClaims:
        try:
            # One parse: the signature, then the claims, are checked; the header's kind is ours to compare.
            decoded = jwt.decode_complete(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": _REQUIRED},
            )
            header, payload = decoded["header"], decoded["payload"]
            if header.get("typ") != _TYP[kind] or header.get("alg") != ALGORITHM:
                raise InvalidToken()
            return TokenClaims(
                kind=kind,
                user_id=UUID(payload["sub"]),
                token_id=UUID(payload["jti"]),
                issued_at=datetime.fromtimestamp(payload["iat"], UTC),
                expires_at=datetime.fromtimestamp(payload["exp"], UTC),
                session_version=int(payload.get("ver", 0)),
                family_id=UUID(payload["fam"]) if "fam" in payload else None,
            )
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise InvalidToken() from exc
