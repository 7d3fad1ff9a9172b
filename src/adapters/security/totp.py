"""TOTP with pyotp, QR codes as SVG with segno, secrets sealed with AES-GCM under a key from SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
from datetime import datetime

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from application.ports.security import Provisioning

_NONCE = 12
_AAD = b"taskreward-totp-secret"


class PyotpAuthenticator:
    def __init__(self, secret_key: str, *, issuer: str = "TaskReward") -> None:
        # A key of its own, derived from the server secret: the JWT and digest keys are never reused here.
        self._cipher = AESGCM(hashlib.sha256(b"taskreward-totp-key:" + secret_key.encode()).digest())
        self._issuer = issuer

    def seal(self, plain: str) -> str:
        nonce = os.urandom(_NONCE)
        return base64.urlsafe_b64encode(nonce + self._cipher.encrypt(nonce, plain.encode(), _AAD)).decode()

    def _open(self, sealed: str) -> str:
        raw = base64.urlsafe_b64decode(sealed.encode())
        try:
            return self._cipher.decrypt(raw[:_NONCE], raw[_NONCE:], _AAD).decode()
        except InvalidTag as exc:
            raise ValueError("the two-factor secret does not open with this SECRET_KEY") from exc

    def new_secret(self) -> str:
        return self.seal(pyotp.random_base32())

    def provisioning(self, sealed: str, account: str) -> Provisioning:
        secret = self._open(sealed)
        uri = pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=self._issuer)
        buffer = io.BytesIO()
        segno.make(uri, error="m").save(buffer, kind="svg", xmldecl=False, scale=4, svgclass="qr")
        return Provisioning(secret=secret, uri=uri, qr_svg=buffer.getvalue().decode())

    def matching_step(self, sealed: str, code: str, now: datetime) -> int | None:
        totp = pyotp.TOTP(self._open(sealed))
        step = totp.timecode(now)
        for candidate in (step - 1, step, step + 1):
            if hmac.compare_digest(totp.generate_otp(candidate), code):
                return candidate
        return None
