import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from aduan.accounts import nik as niks
from aduan.accounts.phone import normalise_phone
from tests.portal import NIK, give_profile

pytestmark = pytest.mark.django_db


def _message(nik, **kw):
    with pytest.raises(ValidationError) as error:
        niks.check_nik(nik, **kw)
    return error.value.messages[0]


def test_it_accepts_a_valid_nik_of_a_man_and_of_a_woman():
    niks.check_nik(NIK, birth_date=dt.date(1990, 3, 12), sex="L")
    niks.check_nik("5204085203900002", birth_date=dt.date(1990, 3, 12), sex="P")
    niks.check_nik("3321011203900001")  # registered in Demak: the district need not be in Sumbawa


@pytest.mark.parametrize(
    "nik, message",
    [
        ("52040812039000", "NIK harus terdiri dari 16 angka."),
        ("520408120390000A", "NIK harus terdiri dari 16 angka."),
        ("9904081203900001", "kode provinsi 99 pada NIK tidak dikenal"),
        ("5299081203900001", "kode kabupaten/kota 52.99 pada NIK tidak dikenal"),
        ("5204991203900001", "kode kecamatan 52.04.99 pada NIK tidak dikenal"),
        ("5204083213900001", "tanggal lahir pada NIK tidak valid (321390)"),
        ("5204081203900000", "nomor urut pada NIK tidak boleh 0000"),
    ],
)
def test_it_names_the_wrong_part(nik, message):
    assert _message(nik) == message


def test_it_compares_birth_date_and_sex():
    assert (
        _message(NIK, birth_date=dt.date(1990, 3, 13))
        == "tanggal lahir pada NIK tidak sesuai dengan tanggal lahir yang diisi"
    )
    assert _message(NIK, birth_date=dt.date(1990, 3, 12), sex="P").startswith(
        "jenis kelamin pada NIK tidak sesuai"
    )


def test_it_masks():
    assert niks.mask(NIK) == "520408••••••0001"


def test_it_encrypts_at_rest_and_finds_by_keyed_hash(cast):
    give_profile(cast.citizen)
    cast.citizen.refresh_from_db()
    assert NIK not in cast.citizen.nik_encrypted and NIK not in cast.citizen.nik_hash
    assert cast.citizen.nik == NIK and cast.citizen.nik_masked == "520408••••••0001"
    assert type(cast.citizen).objects.get(nik_hash=niks.lookup_hash(NIK)) == cast.citizen


def test_one_account_per_nik_is_a_database_rule(cast):
    give_profile(cast.citizen)
    with pytest.raises(IntegrityError):
        give_profile(cast.other_citizen)


def test_keys_rotate(settings, cast):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.NIK_ENCRYPTION_KEYS = [old]
    token = niks.encrypt(NIK)
    settings.NIK_ENCRYPTION_KEYS = [new, old]
    assert niks.decrypt(token) == NIK
    rotated = niks.rotate(token)
    settings.NIK_ENCRYPTION_KEYS = [new]
    assert niks.decrypt(rotated) == NIK and niks.decrypt(token) == ""


@pytest.mark.parametrize(
    "raw", ["0813-3910-0011", "+62 813 3910 0011", "6281339100011", "081339100011"]
)
def test_it_normalises_phone_numbers(raw):
    assert normalise_phone(raw) == "+6281339100011"


@pytest.mark.parametrize("raw", ["12345", "0813", "abc"])
def test_it_refuses_invalid_phone_numbers(raw):
    with pytest.raises(ValidationError) as error:
        normalise_phone(raw)
    assert "Contoh: 0813 3910 0011" in error.value.messages[0]


def test_the_admin_shows_the_nik_masked(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.sysadmin)
    body = client.get(f"/admin/accounts/user/{cast.citizen.pk}/change/").content.decode()
    assert "520408••••••0001" in body and NIK not in body
