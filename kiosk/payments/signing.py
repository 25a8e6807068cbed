"""The notification's signature: HMAC-SHA256 of the exact body bytes with the shared secret,
sent hex-encoded in the `X-Signature` header. Compared in constant time."""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr

SIGNATURE_HEADER = "X-Signature"


def sign(secret: SecretStr, body: bytes) -> str:
    return hmac.new(secret.get_secret_value().encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: SecretStr, body: bytes, signature: str | None) -> bool:
    if not signature:
        return False
    return hmac.compare_digest(sign(secret, body), signature.strip().lower())
