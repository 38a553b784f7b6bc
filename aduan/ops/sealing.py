"""Values that must be kept but never stored in clear (issue 11 §6: the tracking secret "is stored
nowhere in clear", README): sealed with Fernet under a key derived (HKDF-SHA256) from SECRET_KEY,
a purpose, and optionally a value only the client holds (the API's Idempotency-Key, so that the
database and the server's key together still cannot open a stored reply without it).

Rotating SECRET_KEY makes what is sealed unreadable: acceptable for what is sealed here (replies
kept 24 hours for retries, messages waiting for delivery), which then fails closed (no replay; the
message is sent without the secret and says so).
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "sealed:"


def _fernet(purpose: str, client_secret: str = "") -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=purpose.encode(), info=client_secret.encode()
    ).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(data: bytes, purpose: str, client_secret: str = "") -> bytes:
    return _fernet(purpose, client_secret).encrypt(data)


def unseal(token: bytes, purpose: str, client_secret: str = "") -> bytes | None:
    try:
        return _fernet(purpose, client_secret).decrypt(bytes(token))
    except (InvalidToken, ValueError, TypeError):
        return None


def seal_text(text: str, purpose: str) -> str:
    return PREFIX + seal(text.encode(), purpose).decode()


def unseal_text(stored: str, purpose: str) -> str | None:
    """The text of a sealed value; a value that was never sealed is returned as it is."""
    if not stored.startswith(PREFIX):
        return stored
    opened = unseal(stored[len(PREFIX) :].encode(), purpose)
    return None if opened is None else opened.decode()


def digest(value: str, purpose: str) -> str:
    """A keyed hash for finding a row by a value that is not stored."""
    key = hashlib.sha256(b"aduan.sealing.digest:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{purpose}\n{value}".encode(), hashlib.sha256).hexdigest()
