"""VAPID keys in the form the settings and the browsers take: the private key as the base64url of
its 32 bytes (what py-vapid reads), the public key as the base64url of the uncompressed P-256
point (the `applicationServerKey` of `pushManager.subscribe`)."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_key_of(private_key: ec.EllipticCurvePrivateKey) -> str:
    return b64url(
        private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def generate() -> tuple[str, str]:
    """A fresh (public, private) pair."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    raw = private_key.private_numbers().private_value.to_bytes(32, "big")
    return public_key_of(private_key), b64url(raw)
