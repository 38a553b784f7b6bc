"""Ed25519 signatures for what the regency publishes as proof (DESIGN §11 "proof", issue 17): the
audit chain's daily head (`heads`) and the filing receipts (`aduan.reports.receipts`).

The private key is AUDIT_SIGNING_KEY (base64 of the 32 raw bytes; `manage.py audit_signing_key`
makes one). Outside production, without it, a key is derived from SECRET_KEY so that development
and tests sign too; production never derives one: without the key nothing is signed (filing goes
on, receipts are simply not issued) and `sign_audit_head` fails loudly.
"""

import base64
import binascii
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings


class SigningUnavailable(Exception):
    """No AUDIT_SIGNING_KEY in production, or one that is not 32 bytes of base64."""


def canonical(value) -> bytes:
    """The one byte form of a signed statement: JSON, sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _private_key() -> Ed25519PrivateKey:
    configured = settings.AUDIT_SIGNING_KEY.strip()
    if configured:
        try:
            raw = base64.b64decode(configured, validate=True)
        except binascii.Error:
            raise SigningUnavailable("AUDIT_SIGNING_KEY is not base64") from None
        if len(raw) != 32:
            raise SigningUnavailable("AUDIT_SIGNING_KEY must be 32 bytes (base64)")
        return Ed25519PrivateKey.from_private_bytes(raw)
    if settings.ADUAN_ENV == "production":
        raise SigningUnavailable("AUDIT_SIGNING_KEY is not set")
    seed = hashlib.sha256(b"aduan-audit-signing-dev:" + settings.SECRET_KEY.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def available() -> bool:
    try:
        _private_key()
    except SigningUnavailable:
        return False
    return True


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key() -> str:
    """Base64 of the raw 32-byte public key (what the proof page publishes)."""
    return base64.b64encode(_raw_public(_private_key().public_key())).decode()


def key_id(public_b64: str) -> str:
    """A short name of a public key, so that a signature says which key made it."""
    return hashlib.sha256(base64.b64decode(public_b64)).hexdigest()[:16]


def sign(message: bytes) -> str:
    return base64.b64encode(_private_key().sign(message)).decode()


def verify(public_b64: str, message: bytes, signature_b64: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64))
        key.verify(base64.b64decode(signature_b64), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def new_private_key() -> str:
    """A fresh key for AUDIT_SIGNING_KEY (base64 of the 32 raw bytes)."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    raw = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return base64.b64encode(raw).decode()
