"""HMAC-SHA256 signatures over a timestamp and the body, as receivers verify them.

Header: `X-CloudManager-Signature: t=<unix time>,v1=<hex of HMAC-SHA256(secret, "<t>.<body>")>`.
Receivers recompute it and refuse old timestamps, which stops replays.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-CloudManager-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The signature header value for `body`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, body: bytes, header: str, now: int | None = None) -> bool:
    """Check a signature header the way a receiver should (used by our tests and docs)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
