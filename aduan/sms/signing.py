"""The webhook signature: HMAC-SHA256 over `<timestamp>.<nonce>.<body>` with the shared secret.

The gateway sends three headers: `X-Aduan-Timestamp` (Unix seconds), `X-Aduan-Nonce` (unique per
call, 8–100 characters) and `X-Aduan-Signature` (the hex digest).
"""

import hashlib
import hmac


def sign(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = f"{timestamp}.{nonce}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def valid(secret: str, timestamp: str, nonce: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, nonce, body), signature.strip().lower())
