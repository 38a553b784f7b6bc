"""The second factor's secrets at rest: staff TOTP keys and recovery-code seeds (DESIGN §6).

allauth.mfa keeps them in `mfa_authenticator.data` (`secret` of a TOTP authenticator; `seed`, and
`migrated_codes` for codes brought over from django-otp, of the recovery codes) and passes each
through MFA_ADAPTER's `encrypt`/`decrypt` hooks (`adapter.MFAAdapter`). With the password, such a
secret is the whole log-in of a staff member, so a database dump must not hold it in the clear.

Keys: the NIK's (`NIK_ENCRYPTION_KEYS`, `nik.encryption_keys`), each turned into a key of its own
by HKDF. Operators keep, back up and rotate one list, with one procedure (`rotate_nik_keys`
re-encrypts both, `rotation.py`), while a NIK's ciphertext and a secret's never open as each other.
As for NIKs, the first key encrypts and every listed key decrypts.

Stored form: `fernet:<Fernet token>`. A value without that prefix was stored before this existed
(allauth's default adapter stores secrets as they are): it is read as it is, so no log-in breaks
during the upgrade, and `rotate_nik_keys` encrypts it (`--check` counts it until then). A prefixed
value that no listed key opens raises `UnreadableSecret`: an empty or made-up secret would give
codes anyone can compute, so the log-in fails instead.
"""

import base64
import enum
import functools

from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import nik as niks

PREFIX = "fernet:"
# The authenticators whose data holds secrets, and where: single values, then lists of values.
TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
VALUE_KEYS = ("secret", "seed")
LIST_KEYS = ("migrated_codes",)


class UnreadableSecret(Exception):
    """A stored secret that no key of NIK_ENCRYPTION_KEYS opens (an old key removed too early)."""


class State(enum.Enum):
    CURRENT = "under the first key"
    OLD_KEY = "under another listed key"
    CLEAR = "stored in the clear"
    UNREADABLE = "opened by no listed key"


def _derive(key: str) -> Fernet:
    material = base64.urlsafe_b64decode(key.encode())
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"aduan.mfa.secrets"
    ).derive(material)
    return Fernet(base64.urlsafe_b64encode(derived))


@functools.lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, MultiFernet]:
    """(the first key's, all keys'): derived once per key list, not once per value."""
    fernets = [_derive(key) for key in keys]
    return fernets[0], MultiFernet(fernets)


def encrypt(text: str) -> str:
    return PREFIX + _fernets(niks.encryption_keys())[1].encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # stored before encryption: still valid until `rotate_nik_keys` encrypts it
    try:
        return _fernets(niks.encryption_keys())[1].decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "A second-factor secret opens with no key of NIK_ENCRYPTION_KEYS: put back the "
            "key that was removed, then run `rotate_nik_keys`."
        ) from None


def state(stored: str) -> State:
    if not stored.startswith(PREFIX):
        return State.CLEAR
    primary, every = _fernets(niks.encryption_keys())
    token = stored[len(PREFIX) :].encode()
    for fernet, found in ((primary, State.CURRENT), (every, State.OLD_KEY)):
        try:
            fernet.decrypt(token)
        except InvalidToken:
            continue
        return found
    return State.UNREADABLE


def reencrypt(stored: str) -> str:
    """Under the first key, whatever it was under (or in the clear) before."""
    return encrypt(decrypt(stored))


def stored_values(data: dict) -> list[str]:
    """Every encrypted (or legacy clear) value in an authenticator's `data`."""
    values = [data[key] for key in VALUE_KEYS if isinstance(data.get(key), str)]
    for key in LIST_KEYS:
        values += [v for v in data.get(key) or () if isinstance(v, str)]
    return values


def reencrypted_data(data: dict) -> dict:
    """`data` with every secret under the first key; every other entry (the used-codes mask, when
    the codes were viewed) as it was."""
    new = dict(data)
    for key in VALUE_KEYS:
        if isinstance(new.get(key), str):
            new[key] = reencrypt(new[key])
    for key in LIST_KEYS:
        if isinstance(new.get(key), list):
            new[key] = [reencrypt(v) if isinstance(v, str) else v for v in new[key]]
    return new
