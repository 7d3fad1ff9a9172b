"""HMAC-SHA256 keyed with the server secret, for short secrets such as OTP codes."""

from __future__ import annotations

import hashlib
import hmac


class HmacDigest:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"taskreward-digest:" + secret.encode()).digest()

    def __call__(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()
