"""The NIK (Nomor Induk Kependudukan, DESIGN §9): checking it, and keeping it secret at rest.

`PPKKCC DDMMYY SSSS`: province, regency and kecamatan of first registration (Kemendagri codes),
birth date with 40 added to the day for women, and a serial that is never 0000.

At rest a NIK is Fernet-encrypted (`NIK_ENCRYPTION_KEYS`, the first key encrypts, every key
decrypts, so keys can be rotated) and found through an HMAC (`NIK_HASH_KEY`): the database never
holds a NIK in the clear, and one account per NIK is a unique constraint on the hash.
"""

import base64
import datetime as dt
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
    province, regency, district = nik[0:2], f"{nik[0:2]}.{nik[2:4]}", f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    known = set(Region.objects.filter(code__in=[province, regency, district]).values_list("code", flat=True))
    if province not in known:
        raise ValidationError(_("kode provinsi %(code)s pada NIK tidak dikenal") % {"code": province}, code="province")
    if regency not in known:
        raise ValidationError(_("kode kabupaten/kota %(code)s pada NIK tidak dikenal") % {"code": regency},
                              code="regency")
    if district not in known:
        raise ValidationError(_("kode kecamatan %(code)s pada NIK tidak dikenal") % {"code": district},
                              code="district")
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
        raise ValidationError(_("tanggal lahir pada NIK tidak valid (%(part)s)") % {"part": nik[6:12]},
                              code="birth_date_invalid") from None
    if nik[12:16] == "0000":
        raise ValidationError(_("nomor urut pada NIK tidak boleh 0000"), code="serial")
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (
            encoded.day, encoded.month, year2):
        raise ValidationError(_("tanggal lahir pada NIK tidak sesuai dengan tanggal lahir yang diisi"),
                              code="birth_date")
    if sex in ("L", "P") and female != (sex == "P"):
        raise ValidationError(_("jenis kelamin pada NIK tidak sesuai (untuk perempuan tanggal lahir ditambah 40)"),
                              code="sex")


def mask(nik: str) -> str:
    """`5204081203900001` → `520408••••••0001`: the place of registration and the serial stay."""
    return f"{nik[:6]}{MASK}{nik[12:]}" if len(nik) == 16 else MASK


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


def _fernet() -> MultiFernet:
    keys = settings.NIK_ENCRYPTION_KEYS
    if not keys:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("NIK_ENCRYPTION_KEYS must be set in production.")
        keys = [base64.urlsafe_b64encode(_derived("aduan.nik.encryption")).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


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


def lookup_hash(nik: str) -> str:
    key = settings.NIK_HASH_KEY
    if not key:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("NIK_HASH_KEY must be set in production.")
        key_bytes = _derived("aduan.nik.hash")
    else:
        key_bytes = key.encode()
    return hmac.new(key_bytes, nik.encode(), hashlib.sha256).hexdigest()
