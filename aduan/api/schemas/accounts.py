"""Tokens, registration and the account's own profile."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from .common import Email, Phone, Str, clean_text


class TokenIn(Schema):
    username: Str(150, min_length=1, example="warga")
    password: Str(128, min_length=1, example="kata-sandi-anda")
    device_name: Str(100, min_length=1, example="Android Samsung A15 milik Wayan")
    otp_code: Str(20, example="492039") | None = Field(
        None,
        description="Kode dari aplikasi autentikator (atau satu kode pemulihan); wajib untuk akun "
        "yang memakai verifikasi dua langkah, termasuk setiap akun petugas.",
    )


class TokenOut(Schema):
    id: int
    device_name: str
    hint: str = Field(description="Awal token, untuk mengenali perangkat.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="Token Bearer; hanya ditampilkan sekali.", examples=["adn_…"])


class CitizenProfileIn(Schema):
    """As on the KTP; checked like the portal's sign-up (DESIGN §9: the message names the wrong
    part)."""

    nik: Str(24, min_length=1, example="5204081204850001")
    sex: Literal["L", "P"] = Field(..., description="L: laki-laki, P: perempuan")
    birth_date: dt.date = Field(..., examples=["1985-04-12"])
    occupation: Str(100, min_length=1, example="Petani")
    district: Str(13, min_length=1, example="52.04.08")
    village: Str(13, min_length=1, example="52.04.08.1004")
    address: Str(255, min_length=1, example="Jl. Garuda 2, RT 01/RW 02")


class RegisterIn(Schema):
    username: Annotated[
        str,
        Field(min_length=3, max_length=150, pattern=r"^[\w.@+-]+$", examples=["wayan.s"]),
        AfterValidator(clean_text),
    ]
    full_name: Str(150, min_length=1, example="Wayan Sudarsana")
    email: Email
    phone: Phone = ""
    password: Str(128, min_length=1, example="rahasia-panjang-sekali")
    # Optional at registration; needed (with full name and phone) before filing on the web portal.
    profile: CitizenProfileIn | None = None


class AcceptedOut(Schema):
    message: str


class EmailChangeIn(Schema):
    email: Email
    password: Str(128, min_length=1, example="kata-sandi-anda")


class PasswordChangeIn(Schema):
    current_password: Str(128, min_length=1, example="kata-sandi-lama")
    new_password: Str(128, min_length=1, example="kata-sandi-baru-yang-panjang")


class ProfileIn(Schema):
    full_name: Str(150, min_length=1, example="Wayan Sudarsana") | None = None
    email: Email | None = Field(
        None,
        description="Tidak diubah di sini: e-mail diganti lewat `POST /me/email` (kata sandi dan "
        "konfirmasi alamat baru).",
    )
    phone: Phone | None = None
    profile: CitizenProfileIn | None = None


class ProfileOut(Schema):
    username: str
    full_name: str
    email: str
    phone: str
    role: str
    role_label: str
    agency: str | None
    is_representative: bool
    nik_masked: str = Field("", description="NIK disamarkan, mis. 520408••••••0001")
    profile_complete: bool = False
