"""The NIK (Nomor Induk Kependudukan, DESIGN §9): checking it, and keeping it secret at rest.

`PPKKCC DDMMYY SSSS`: province, regency and kecamatan of first registration (Kemendagri codes),
birth date with 40 added to the day for women, and a serial that is never 0000.

At rest a NIK is Fernet-encrypted (`NIK_ENCRYPTION_KEYS`, the first key encrypts, every key
decrypts, so keys can be rotated) and found through an HMAC (`NIK_HASH_KEY`): the database never
holds a NIK in the clear, and one account per NIK is a unique constraint on the hash.

Both keys rotate without downtime (`rotate_nik_keys`, docs/deploy.md): a value encrypted under
any listed key stays readable while the command re-encrypts it under the first one, and look-ups
also try the hashes of `NIK_HASH_LOOKUP_KEYS` while the command rehashes under `NIK_HASH_KEY`
(a hash cannot be converted; the command decrypts the NIK and hashes it again).
"""

import base64
import datetime as dt
import functools
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from aduan.directory.models import Region

MASK = "••••••"


def clean_nik(raw: str) -> str:
    """Digits only (people type `5204 0812 ...` or `5204.08...`)."""
    return re.sub(r"[\s.\-]", "", raw or "")


def check_nik(nik: str, *, birth_date: dt.date | None = None, sex: str | None = None) -> None:
    """Raise ValidationError naming the wrong part of `nik`. `sex` is "L" or "P"."""
    if not re.fullmatch(r"\d{16}", nik):
        raise ValidationError(_("NIK harus terdiri dari 16 angka."), code="format")
    province, regency, district = (
        nik[0:2],
        f"{nik[0:2]}.{nik[2:4]}",
        f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}",
    )
    known = set(
        Region.objects.filter(code__in=[province, regency, district]).values_list("code", flat=True)
    )
    if province not in known:
        raise ValidationError(
            _("kode provinsi %(code)s pada NIK tidak dikenal") % {"code": province}, code="province"
        )
    if regency not in known:
        raise ValidationError(
            _("kode kabupaten/kota %(code)s pada NIK tidak dikenal") % {"code": regency},
            code="regency",
        )
    if district not in known:
        raise ValidationError(
            _("kode kecamatan %(code)s pada NIK tidak dikenal") % {"code": district},
            code="district",
        )
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    try:
        # Two-digit year: the century that puts the birth date in the past.
        today = dt.date.today()
        year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
        encoded = dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("tanggal lahir pada NIK tidak valid (%(part)s)") % {"part": nik[6:12]},
            code="birth_date_invalid",
        ) from None
    if nik[12:16] == "0000":
        raise ValidationError(_("nomor urut pada NIK tidak boleh 0000"), code="serial")
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        encoded.day,
        encoded.month,
        year2,
    ):
        raise ValidationError(
            _("tanggal lahir pada NIK tidak sesuai dengan tanggal lahir yang diisi"),
            code="birth_date",
        )
    if sex in ("L", "P") and female != (sex == "P"):
        raise ValidationError(
            _("jenis kelamin pada NIK tidak sesuai (untuk perempuan tanggal lahir ditambah 40)"),
            code="sex",
        )


def mask(nik: str) -> str:
    """`5204081203900001` → `520408••••••0001`: the place of registration and the serial stay."""
    return f"{nik[:6]}{MASK}{nik[12:]}" if len(nik) == 16 else MASK


# Every place a NIK is stored: (model, encrypted field, keyed-hash field). `rotate_nik_keys` walks
# exactly these; a test fails when a model gains a `*nik_encrypted` field that is not listed.
STORED = (
    ("accounts.User", "nik_encrypted", "nik_hash"),
    ("reports.Report", "reporter_nik_encrypted", "reporter_nik_hash"),
)


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


def encryption_keys() -> tuple[str, ...]:
    """NIK_ENCRYPTION_KEYS, or outside production a key derived from SECRET_KEY. The second
    factor's secrets are encrypted with keys derived from these (`mfa_secrets`)."""
    keys = settings.NIK_ENCRYPTION_KEYS
    if not keys:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("NIK_ENCRYPTION_KEYS must be set in production.")
        keys = [base64.urlsafe_b64encode(_derived("aduan.nik.encryption")).decode()]
    return tuple(keys)


@functools.lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, MultiFernet]:
    """(the primary key alone, all keys): built once per key list, not once per value."""
    fernets = [Fernet(key.encode()) for key in keys]
    return fernets[0], MultiFernet(fernets)


def _fernet() -> MultiFernet:
    return _fernets(encryption_keys())[1]


def encrypt(nik: str) -> str:
    return _fernet().encrypt(nik.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def rotate(token: str) -> str:
    """Re-encrypt with the first key (after a new key was put first)."""
    return _fernet().rotate(token.encode()).decode()


def is_under_primary_key(token: str) -> bool:
    """True when the first key of NIK_ENCRYPTION_KEYS alone decrypts `token`."""
    try:
        _fernets(encryption_keys())[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def decrypt_or_raise(token: str) -> str:
    """Like `decrypt`, but a value that no listed key opens raises InvalidToken (the rotation
    command counts those instead of taking them for an empty NIK)."""
    return _fernet().decrypt(token.encode()).decode()


def _hash_keys() -> list[bytes]:
    """The key that hashes what is written, then the keys look-ups also try (during a rotation)."""
    key = settings.NIK_HASH_KEY
    if not key:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("NIK_HASH_KEY must be set in production.")
        primary = _derived("aduan.nik.hash")
    else:
        primary = key.encode()
    extra = [k.encode() for k in settings.NIK_HASH_LOOKUP_KEYS if k.encode() != primary]
    return [primary, *extra]


def _hmac(key: bytes, nik: str) -> str:
    return hmac.new(key, nik.encode(), hashlib.sha256).hexdigest()


def lookup_hash(nik: str) -> str:
    """The hash stored with a NIK (under NIK_HASH_KEY)."""
    return _hmac(_hash_keys()[0], nik)


def lookup_hashes(nik: str) -> list[str]:
    """Every hash a stored NIK may carry: look-ups filter with `__in` on these, so a row not yet
    rehashed by `rotate_nik_keys` is still found."""
    return [_hmac(key, nik) for key in _hash_keys()]
