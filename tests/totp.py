"""RFC 6238 codes computed here, independently of allauth, so that a test proves the server accepts
what a real authenticator app would show."""

import base64
import hashlib
import hmac
import struct
import time

# Every staff member of the cast (tests/conftest.py) has a TOTP authenticator with this secret.
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp(secret: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    counter = int((time.time() if at is None else at) // step)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"
