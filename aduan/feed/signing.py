"""The signature of a delivery or a replay page: hex HMAC-SHA256 of `<timestamp>.<body>` under the
subscription's secret, sent as `X-Aduan-Signature: v1=<hex>` with `X-Aduan-Timestamp` (Unix
seconds). A receiver recomputes it over the raw body and refuses a timestamp too far from its own
clock (docs/integration-feed.md)."""

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signed: str) -> bool:
    try:
        expected = signature(secret, int(timestamp), body)
    except (TypeError, ValueError):
        return False
    return hmac.compare_digest(expected, signed or "")


def headers(secret: str, timestamp: int, body: bytes, event_id: str = "") -> dict[str, str]:
    out = {
        "Content-Type": "application/json",
        "X-Aduan-Timestamp": str(timestamp),
        "X-Aduan-Signature": signature(secret, timestamp, body),
    }
    if event_id:
        out["X-Aduan-Event-Id"] = event_id
    return out
