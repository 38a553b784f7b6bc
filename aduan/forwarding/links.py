"""The forwarding link's token: 32 random bytes, sent once to the outside body, stored only as a
SHA-256 hash (a 256-bit random token needs no salt or key to resist guessing from the hash)."""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
